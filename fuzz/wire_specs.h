// What the wire fuzz targets expect of a request: a fixed list of tensor specs
// covering every v2 datatype family (float, ints, bool, fp16), scalars and
// empty dims, small enough that a fuzzer can build matching raw contents.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "exec/tensor.h"
#include "net/wire.h"

namespace edgecut::fuzz {

inline const std::vector<net::TensorSpec>& wire_specs() {
  static const std::vector<net::TensorSpec> specs = {
      {"input", graph::DType::kFloat, {1, 3, 2, 2}},
      {"ids", graph::DType::kInt64, {2}},
      {"mask", graph::DType::kBool, {1, 0}},
      {"scale", graph::DType::kFloat16, {}},
  };
  return specs;
}

// Small limits so that the fuzzer reaches the limit checks.
inline net::WireLimits wire_limits() {
  net::WireLimits l;
  l.max_tensors = 8;
  l.max_rank = 6;
  l.max_tensor_bytes = 4096;
  l.max_message_bytes = 1 << 16;
  return l;
}

// Every tensor a reader hands out must lie inside the message it came from,
// with bytes == elements * dtype size: read it all (ASan checks the bounds).
inline void touch(const std::vector<exec::Tensor>& ts) {
  volatile uint8_t sink = 0;
  for (const auto& t : ts) {
    if (t.elements() < 0 ||
        t.bytes() != static_cast<size_t>(t.elements()) * static_cast<size_t>(graph::dtype_size(t.dtype())))
      std::abort();
    for (size_t i = 0; i < t.bytes(); ++i) sink = sink ^ t.data()[i];
  }
  (void)sink;
}

}  // namespace edgecut::fuzz
