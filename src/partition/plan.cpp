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
  for (ValueId x : p.cut_values) {
    CostModel::Crossing e = cm.crossing(x, rates);
    p.cut_encodings.push_back(std::move(e.encoding));
    p.cut_encoded_bytes.push_back(e.bytes);
  }
  p.predicted = cm.evaluate(p.on_edge, rates);
  p.claimed_ns = claimed_ns;
  return p;
}

int64_t outputs_up_ns(const Graph& g, const graph::Structure& st, int32_t v, const Rates& rates) {
  int64_t t = 0;
  for (ValueId x : v == st.source() ? g.inputs : g.nodes[v].outputs) {
    if (!g.values[x].consumers.empty()) t += rates.up_ns[x];
  }
  return t;
}

}  // namespace edgecut::partition
