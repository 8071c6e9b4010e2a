#include "partition/plan.h"

#include <algorithm>

#include "graph/segment.h"

namespace edgecut::partition {

int64_t bottleneck_ns(const Breakdown& b) {
  return std::max({b.edge_ns, b.uplink_ns, b.downlink_ns, b.cloud_ns});
}

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
  graph::Crossings c = graph::crossings(g, p.on_edge);
  p.cut_values = std::move(c.up);
  p.reverse_values = std::move(c.down);
  p.predicted = cm.evaluate(p.on_edge, rates);
  p.claimed_ns = claimed_ns;
  return p;
}

}  // namespace edgecut::partition
