// LEMON Preflow on the same networks as MaxFlow: benchmark and cross-check only.
// LEMON 1.3's SmartDigraph default-constructs POD arc records; GCC 12 with
// sanitizers flags that as maybe-uninitialized inside its headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <lemon/preflow.h>
#include <lemon/smart_graph.h>

#include "partition/maxflow.h"

namespace edgecut::partition {

int64_t lemon_max_flow(int num_vertices, const std::vector<MaxFlow::Arc>& arcs, int s, int t) {
  lemon::SmartDigraph g;
  g.reserveNode(num_vertices);
  g.reserveArc(static_cast<int>(arcs.size()));
  std::vector<lemon::SmartDigraph::Node> nodes(num_vertices);
  for (auto& n : nodes) n = g.addNode();
  lemon::SmartDigraph::ArcMap<int64_t> cap(g);
  for (const auto& a : arcs) cap[g.addArc(nodes[a.u], nodes[a.v])] = a.cap;
  lemon::Preflow<lemon::SmartDigraph, lemon::SmartDigraph::ArcMap<int64_t>> pf(g, cap, nodes[s], nodes[t]);
  pf.runMinCut();
  return pf.flowValue();
}

}  // namespace edgecut::partition

#pragma GCC diagnostic pop
