// edge-only, cloud-only and Neurosurgeon's prefix split.
#include <algorithm>

#include "partition/algorithms.h"

namespace edgecut::partition {

Plan solve_edge_only(const CostModel& cm, const Network& net, const Rates& rates) {
  std::vector<char> on_edge(cm.num_nodes(), 1);
  Breakdown b = cm.evaluate(on_edge, rates);
  return make_plan(cm, rates, net.uplink_bps, "edge-only", std::move(on_edge), b.total_ns);
}

Plan solve_cloud_only(const CostModel& cm, const Network& net, const Rates& rates) {
  std::vector<char> on_edge(cm.num_nodes(), 0);
  Breakdown b = cm.evaluate(on_edge, rates);
  return make_plan(cm, rates, net.uplink_bps, "cloud-only", std::move(on_edge), b.total_ns);
}

// Moves nodes to the edge one at a time in topological order, keeping the
// cost of the current prefix up to date: O(V + E) for all n + 1 prefixes.
Plan solve_neurosurgeon(const CostModel& cm, const Network& net, const Rates& rates) {
  const Graph& g = cm.graph();
  const int n = g.num_nodes();
  std::vector<int> cloud_readers(g.values.size(), 0);
  int64_t edge = 0, cloud = 0, transfer = 0;
  for (NodeId v = 0; v < n; ++v) cloud += cm.tc_ns[v];
  for (ValueId x = 0; x < g.num_values(); ++x) {
    const auto& val = g.values[x];
    if (val.is_weight) continue;
    cloud_readers[x] = static_cast<int>(val.consumers.size());
    if (val.producer == graph::kNoNode && cloud_readers[x] > 0) transfer += rates.up_ns[x];
    if (cm.is_output[x] && val.producer != graph::kNoNode) transfer += rates.down_ns[x];
  }
  int64_t best = cloud + transfer + rates.rtt_ns;
  int best_len = 0;
  for (int i = 0; i < n; ++i) {
    NodeId v = g.topo[i];
    edge += cm.te_ns[v];
    cloud -= cm.tc_ns[v];
    const auto& ins = g.nodes[v].inputs;
    for (size_t k = 0; k < ins.size(); ++k) {
      const ValueId x = ins[k];
      if (g.values[x].is_weight || std::find(ins.begin(), ins.begin() + k, x) != ins.begin() + k) {
        continue;  // weights cost nothing; a value read twice by v is one reader
      }
      if (--cloud_readers[x] == 0) transfer -= rates.up_ns[x];
    }
    for (ValueId x : g.nodes[v].outputs) {
      if (!g.values[x].consumers.empty()) transfer += rates.up_ns[x];
      if (cm.is_output[x]) transfer -= rates.down_ns[x];
    }
    const bool all = i == n - 1;
    int64_t t = edge + cloud + transfer + (all ? 0 : rates.rtt_ns);
    if (t < best) {
      best = t;
      best_len = i + 1;
    }
  }
  std::vector<char> on_edge(n, 0);
  for (int i = 0; i < best_len; ++i) on_edge[g.topo[i]] = 1;
  return make_plan(cm, rates, net.uplink_bps, "neurosurgeon", std::move(on_edge), best);
}

}  // namespace edgecut::partition
