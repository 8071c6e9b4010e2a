// libFuzzer target: the server's check of a ModelInfer request, on the bytes a
// peer sends (protobuf-decoded as gRPC does): net::read_inputs against the
// specs of wire_specs.h under small WireLimits (names, datatypes, shapes,
// ranks, raw sizes), and the parameters the server reads. An accepted request
// yields one tensor per spec, of the spec's dtype and shape, inside the message.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "net/tail_name.h"
#include "quiet_protobuf.h"
#include "wire_specs.h"

using namespace edgecut;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  inference::ModelInferRequest req;
  if (!req.ParseFromArray(data, static_cast<int>(size))) return -1;
  const auto& specs = fuzz::wire_specs();
  std::string model, digest;
  (void)net::parse_tail_name(req.model_name(), &model, &digest);
  (void)net::int_param(req.parameters(), net::kComputeUs, -1);
  auto inputs = net::read_inputs(req, specs, fuzz::wire_limits());
  if (!inputs) return 0;
  if (inputs->size() != specs.size()) std::abort();
  for (size_t k = 0; k < specs.size(); ++k) {
    const auto& t = (*inputs)[k];
    if (t.dtype() != specs[k].dtype || t.shape() != specs[k].shape || t.name() != specs[k].name) std::abort();
  }
  fuzz::touch(*inputs);
  return 0;
}
