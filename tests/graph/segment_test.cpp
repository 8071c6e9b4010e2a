// graph::predecessor_closure against its definition on random DAGs: the
// result holds the seeds, is closed (check_predecessor_closed), and holds
// nothing else than what some seed depends on (a plain DFS over producers).
#include "graph/segment.h"

#include <gtest/gtest.h>

#include <random>

#include "graph/random_dag.h"

namespace edgecut::graph {
namespace {

std::vector<char> ancestors_by_dfs(const Graph& g, const std::vector<char>& seeds) {
  std::vector<char> in = seeds;
  std::vector<NodeId> stack = mask_nodes(seeds);
  while (!stack.empty()) {
    const NodeId v = stack.back();
    stack.pop_back();
    for (ValueId x : g.activation_inputs(v)) {
      const NodeId u = g.values[x].producer;
      if (u != kNoNode && !in[u]) in[u] = 1, stack.push_back(u);
    }
  }
  return in;
}

TEST(Segment, PredecessorClosureIsTheSmallestClosedSuperset) {
  std::mt19937_64 rng(7);
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    RandomDagOptions o;
    o.max_nodes = 2 + static_cast<int>(seed % 40);
    o.skip_prob = static_cast<double>(seed % 7) / 10.0;
    const Graph g = random_dag(seed, o);
    std::vector<char> seeds(static_cast<size_t>(g.num_nodes()), 0);
    for (char& c : seeds) c = std::bernoulli_distribution(0.15)(rng);
    const std::vector<char> closed = predecessor_closure(g, seeds);
    EXPECT_TRUE(check_predecessor_closed(g, mask_nodes(closed)).is_ok()) << "seed " << seed;
    EXPECT_EQ(closed, ancestors_by_dfs(g, seeds)) << "seed " << seed;
  }
}

}  // namespace
}  // namespace edgecut::graph
