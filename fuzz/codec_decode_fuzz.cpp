// libFuzzer target: the tensor decoders (codec::decode) on what a peer can
// send: any encoding (fp32 / fp16 / int8 / uint8 / JPEG, raw or zstd / lz4),
// any small shape, any int8 parameters, any payload bytes. The first bytes
// pick those; the rest is the payload. An accepted payload must decode to a
// float32 tensor of exactly the declared shape, within the limit.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "codec/codec.h"

using namespace edgecut;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kHeader = 4 + 4 + 8;  // encoding, rank + 3 dims bytes (4 dims), params
  if (size < kHeader) return 0;
  codec::EncodedView in;
  in.name = "x";
  in.encoding.base = static_cast<codec::Base>(data[0] % 5);
  in.encoding.pack = static_cast<codec::Pack>(data[1] % 3);
  in.encoding.quality = 1 + data[2] % 100;
  const int rank = 1 + data[3] % 4;
  for (int i = 0; i < rank; ++i) in.shape.push_back(data[4 + i] % 65);  // 0..64: zero dims too
  std::memcpy(&in.params.scale, data + 8, sizeof(float));
  std::memcpy(&in.params.zero_point, data + 12, sizeof(int32_t));
  in.data = data + kHeader;
  in.size = size - kHeader;
  codec::DecodeLimits limits;
  limits.max_tensor_bytes = 1 << 20;
  auto t = codec::decode(in, {}, limits);
  if (!t) return 0;
  if (t->dtype() != graph::DType::kFloat) std::abort();
  int64_t n = 1;
  for (int64_t d : in.shape) n *= d;
  if (t->shape() != in.shape || static_cast<int64_t>(t->as<float>().size()) != n) std::abort();
  if (n * 4 > limits.max_tensor_bytes) std::abort();
  return 0;
}
