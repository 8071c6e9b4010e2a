// libFuzzer target: the edge's check of a ModelInfer response from the cloud
// (net::read_outputs under small WireLimits, and the timing parameters the
// client reads). Every accepted tensor must lie inside the message.
#include <cstdint>
#include <memory>

#include "quiet_protobuf.h"
#include "wire_specs.h"

using namespace edgecut;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto resp = std::make_shared<inference::ModelInferResponse>();
  if (!resp->ParseFromArray(data, static_cast<int>(size))) return -1;
  (void)net::int_param(resp->parameters(), net::kComputeUs, -1);
  (void)net::int_param(resp->parameters(), net::kQueueUs, -1);
  auto outputs = net::read_outputs(*resp, fuzz::wire_limits(), resp);
  resp.reset();  // the tensors keep the message alive
  if (!outputs) return 0;
  fuzz::touch(*outputs);
  return 0;
}
