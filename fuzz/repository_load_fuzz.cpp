// libFuzzer target: the checks of a RepositoryModelLoad request before a
// server builds a tail (the order of runtime::ModelStore::load_tail): the
// tail name "<model>.tail.<digest>", the "edge_nodes" ranges text against
// the seed model, predecessor closure and the digest.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_model.h"
#include "graph/segment.h"
#include "net/proto/grpc_service.pb.h"
#include "net/tail_name.h"
#include "quiet_protobuf.h"

using namespace edgecut;

namespace {
std::string param(const inference::RepositoryModelLoadRequest& q, const char* key) {
  auto it = q.parameters().find(key);
  if (it == q.parameters().end()) return {};
  if (it->second.parameter_choice_case() == inference::ModelRepositoryParameter::kStringParam)
    return it->second.string_param();
  if (it->second.parameter_choice_case() == inference::ModelRepositoryParameter::kBytesParam)
    return it->second.bytes_param();
  return {};
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  inference::RepositoryModelLoadRequest q;
  if (!q.ParseFromArray(data, static_cast<int>(size))) return -1;
  const graph::Graph& g = fuzz::seed_model().graph;
  std::string model, digest;
  (void)net::parse_tail_name(q.model_name(), &model, &digest);
  auto edge = net::parse_node_ranges(param(q, net::kEdgeNodesParam), g.num_nodes());
  if (!edge) return 0;
  for (size_t k = 0; k < edge->size(); ++k) {
    if ((*edge)[k] < 0 || (*edge)[k] >= g.num_nodes() || (k > 0 && (*edge)[k] <= (*edge)[k - 1]))
      std::abort();
  }
  // What the server does next; the round trip must give the same ids.
  if (!graph::check_predecessor_closed(g, *edge).is_ok()) return 0;
  auto again = net::parse_node_ranges(net::format_node_ranges(*edge), g.num_nodes());
  if (!again || *again != *edge) std::abort();
  (void)(net::edge_set_digest(*edge) == digest);
  return 0;
}
