// Brute force over every predecessor-closed edge set: the test oracle.
#include <limits>

#include "partition/algorithms.h"
#include "partition/throughput.h"

namespace edgecut::partition {
namespace {

struct Search {
  const CostModel& cm;
  const Rates& rates;
  std::vector<char> on_edge;
  std::vector<char> best_set;
  int64_t best = std::numeric_limits<int64_t>::max();
  bool bottleneck = false;  // score by bottleneck_ns() instead of total_ns

  // Decides nodes in topological order; a node may join the edge only if all
  // its producers are there, so every leaf is a closed set, each exactly once.
  void run(int i) {
    const Graph& g = cm.graph();
    if (i == g.num_nodes()) {
      const Breakdown b = cm.evaluate(on_edge, rates);
      const int64_t t = bottleneck ? bottleneck_ns(b) : b.total_ns;
      if (t < best) {
        best = t;
        best_set = on_edge;
      }
      return;
    }
    NodeId v = g.topo[i];
    run(i + 1);
    for (ValueId x : g.nodes[v].inputs) {
      NodeId p = g.values[x].producer;
      if (p != graph::kNoNode && !on_edge[p]) return;
    }
    on_edge[v] = 1;
    run(i + 1);
    on_edge[v] = 0;
  }
};

}  // namespace

Plan solve_brute(const CostModel& cm, const Network& net, const Rates& rates) {
  Search s{cm, rates, std::vector<char>(cm.num_nodes(), 0), {}};
  s.run(0);
  return make_plan(cm, rates, net.uplink_bps, "brute", std::move(s.best_set), s.best);
}

Plan solve_brute_throughput(const CostModel& cm, const Network& net, const Rates& rates) {
  Search s{cm, rates, std::vector<char>(cm.num_nodes(), 0), {}};
  s.bottleneck = true;
  s.run(0);
  Plan p = make_plan(cm, rates, net.uplink_bps, "brute-throughput", std::move(s.best_set), s.best);
  p.objective = Objective::kThroughput;
  return p;
}

}  // namespace edgecut::partition
