// libFuzzer target, structure-aware: builds a ModelInfer request from the
// fuzzer's bytes (names and datatypes mostly the expected ones, shapes near
// the specs', raw sizes near the right size, extra / missing / repeated
// tensors, typed contents, parameters) so that mutations reach the checks
// behind the name and datatype checks far more often than raw protobuf
// bytes do; then the same net::read_inputs checks as wire_request_fuzz.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "wire_specs.h"

using namespace edgecut;

namespace {
const char* const kDatatypes[] = {"FP32",  "INT64", "BOOL",   "FP16",   "UINT8", "INT8",  "UINT16", "INT16",
                                  "INT32", "FP64",  "UINT32", "UINT64", "BF16",  "BYTES", "",       "fp32"};

void add_tensor(FuzzedDataProvider& in, inference::ModelInferRequest* req) {
  const auto& specs = fuzz::wire_specs();
  const auto& spec = specs[in.ConsumeIntegralInRange<size_t>(0, specs.size() - 1)];
  auto* m = req->add_inputs();
  m->set_name(in.ConsumeBool() ? spec.name : in.ConsumeRandomLengthString(16));
  m->set_datatype(in.ConsumeBool() ? net::v2_datatype(spec.dtype)
                                   : kDatatypes[in.ConsumeIntegralInRange<size_t>(0, 15)]);
  int64_t elements = 1;
  if (in.ConsumeBool()) {
    for (int64_t d : spec.shape) m->add_shape(d);
  } else {
    const int rank = in.ConsumeIntegralInRange(0, 9);
    for (int i = 0; i < rank; ++i)
      m->add_shape(in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(-2, 4)
                                    : in.ConsumeIntegral<int64_t>());
  }
  for (int64_t d : m->shape()) elements = d >= 0 && d <= 4096 ? std::min<int64_t>(elements * d, 4096) : 0;
  size_t bytes = static_cast<size_t>(elements) * static_cast<size_t>(graph::dtype_size(spec.dtype));
  if (!in.ConsumeBool()) bytes = in.ConsumeIntegralInRange<size_t>(0, bytes + 8);
  if (in.ConsumeIntegralInRange(0, 15) == 0) m->mutable_contents()->add_fp32_contents(1.0f);
  if (in.ConsumeIntegralInRange(0, 15) == 0) (*m->mutable_parameters())["p"].set_int64_param(1);
  if (in.ConsumeIntegralInRange(0, 7) != 0) req->add_raw_input_contents(std::string(bytes, '\x01'));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  inference::ModelInferRequest req;
  req.set_model_name(in.ConsumeRandomLengthString(32));
  const int n = in.ConsumeIntegralInRange(0, 10);
  for (int i = 0; i < n; ++i) add_tensor(in, &req);
  if (in.ConsumeBool())
    (*req.mutable_parameters())[net::kComputeUs].set_int64_param(in.ConsumeIntegral<int64_t>());
  (void)net::int_param(req.parameters(), net::kComputeUs, -1);
  const auto& specs = fuzz::wire_specs();
  auto inputs = net::read_inputs(req, specs, fuzz::wire_limits());
  if (!inputs) return 0;
  for (size_t k = 0; k < specs.size(); ++k) {
    const auto& t = (*inputs)[k];
    if (t.dtype() != specs[k].dtype || t.shape() != specs[k].shape || t.name() != specs[k].name) std::abort();
  }
  fuzz::touch(*inputs);
  return 0;
}
