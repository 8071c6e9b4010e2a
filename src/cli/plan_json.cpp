#include "cli/plan_json.h"

namespace edgecut::cli {

nlohmann::json plan_to_json(const partition::Plan& p, const graph::Graph& g) {
  using partition::ms_from_ns;
  std::vector<std::string> node_names, value_names;
  for (auto v : p.edge_nodes) node_names.push_back(g.nodes[v].name);
  for (auto x : p.cut_values) value_names.push_back(g.values[x].name);
  int64_t cut_bytes = 0;
  for (auto x : p.cut_values) cut_bytes += g.values[x].bytes;
  const auto& b = p.predicted;
  return {{"algo", p.algo},
          {"bandwidth_bps", p.bandwidth_bps},
          {"edge_nodes", p.edge_nodes},
          {"edge_node_names", node_names},
          {"cut_values", p.cut_values},
          {"cut_value_names", value_names},
          {"cut_bytes", cut_bytes},
          {"reverse_values", p.reverse_values},
          {"valid", p.valid()},
          {"mispriced", p.mispriced()},
          {"claimed_ms", ms_from_ns(p.claimed_ns)},
          {"predicted",
           {{"edge_ms", ms_from_ns(b.edge_ns)},
            {"transfer_ms", ms_from_ns(b.transfer_ns())},
            {"uplink_ms", ms_from_ns(b.uplink_ns)},
            {"downlink_ms", ms_from_ns(b.downlink_ns)},
            {"rtt_ms", ms_from_ns(b.rtt_ns)},
            {"cloud_ms", ms_from_ns(b.cloud_ns)},
            {"total_ms", ms_from_ns(b.total_ns)}}},
          {"solve_us", p.solve_us}};
}

}  // namespace edgecut::cli
