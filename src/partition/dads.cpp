// DADS (Hu et al., INFOCOM 2019): one min-cut over the whole graph.
#include "graph/structure.h"
#include "partition/algorithms.h"
#include "partition/region_cut.h"

namespace edgecut::partition {

Plan solve_dads(const CostModel& cm, const Network& net, const Rates& rates, bool precedence) {
  return solve_dads(cm, net, rates, precedence, graph::analyze(cm.graph()));
}

Plan solve_dads(const CostModel& cm, const Network& net, const Rates& rates, bool precedence,
                const graph::Structure& st) {
  RegionCut region(cm, st);
  std::vector<int32_t> all(st.order.begin() + 1, st.order.end() - 1);
  RegionResult r = region.solve(all, st.source(), st.sink(), rates, precedence);
  std::vector<char> on_edge(cm.num_nodes(), 0);
  for (int32_t v : r.edge_nodes) on_edge[v] = 1;
  const bool all_edge = static_cast<int>(r.edge_nodes.size()) == cm.num_nodes();
  int64_t claimed = r.cost_ns + (all_edge ? 0 : rates.rtt_ns);
  if (precedence) {
    // The cut ignores rtt; edge-only alone avoids it (see qdmp.h).
    std::vector<char> edge(cm.num_nodes(), 1);
    int64_t edge_only = cm.evaluate(edge, rates).total_ns;
    if (edge_only <= claimed) {
      on_edge = std::move(edge);
      claimed = edge_only;
    }
  }
  return make_plan(cm, rates, net.uplink_bps, precedence ? "dads-fixed" : "dads", std::move(on_edge),
                   claimed);
}

}  // namespace edgecut::partition
