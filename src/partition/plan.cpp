#include "partition/plan.h"

namespace edgecut::partition {

Plan make_plan(const CostModel& cm, const Rates& rates, double bandwidth_bps, std::string algo,
               std::vector<char> on_edge, int64_t claimed_ns) {
  Plan p;
  p.algo = std::move(algo);
  p.bandwidth_bps = bandwidth_bps;
  p.on_edge = std::move(on_edge);
  const Graph& g = cm.graph();
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    if (p.on_edge[v]) p.edge_nodes.push_back(v);
  }
  for (ValueId x = 0; x < g.num_values(); ++x) {
    const graph::Value& val = g.values[x];
    if (val.is_weight) continue;
    const bool src_edge = val.producer == graph::kNoNode || p.on_edge[val.producer];
    bool crosses = false;
    for (NodeId w : val.consumers) crosses |= (p.on_edge[w] != 0) != src_edge;
    if (!crosses) continue;
    (src_edge ? p.cut_values : p.reverse_values).push_back(x);
  }
  p.predicted = cm.evaluate(p.on_edge, rates);
  p.claimed_ns = claimed_ns;
  return p;
}

}  // namespace edgecut::partition
