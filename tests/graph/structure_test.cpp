// The O(V+E) cut-vertex sweep agrees with the definition: v is a cut vertex
// iff removing it disconnects the virtual source from the virtual sink.
#include "graph/structure.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "graph/random_dag.h"

namespace edgecut::graph {
namespace {

bool reaches_without(const Structure& s, int32_t removed) {
  std::vector<char> seen(s.n + 2, 0);
  std::vector<int32_t> stack = {s.source()};
  seen[s.source()] = 1;
  while (!stack.empty()) {
    int32_t v = stack.back();
    stack.pop_back();
    if (v == s.sink()) return true;
    for (int32_t w : s.succ(v)) {
      if (w != removed && !seen[w]) {
        seen[w] = 1;
        stack.push_back(w);
      }
    }
  }
  return false;
}

TEST(Structure, CutVertexSweepMatchesDefinitionOnRandomDags) {
  int with_interior_cuts = 0;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    RandomDagOptions o;
    o.max_nodes = 1 + static_cast<int>(seed % 40);
    o.skip_prob = static_cast<double>(seed % 7) / 10.0;
    Graph g = random_dag(seed, o);
    Structure s = analyze(g);
    std::vector<NodeId> cuts = s.cut_vertices();
    with_interior_cuts += !cuts.empty();
    for (NodeId v = 0; v < g.num_nodes(); ++v) {
      bool by_definition = !reaches_without(s, v);
      bool by_sweep = std::find(cuts.begin(), cuts.end(), v) != cuts.end();
      ASSERT_EQ(by_definition, by_sweep) << "seed " << seed << " node " << v;
    }
    ASSERT_EQ(s.order[s.cut_pos.front()], s.source());
    ASSERT_EQ(s.order[s.cut_pos.back()], s.sink());
    // Blocks partition the vertices between the cut vertices.
    size_t total = s.cut_pos.size();
    for (int k = 0; k < s.num_blocks(); ++k) total += s.block_interior(k).size();
    ASSERT_EQ(total, static_cast<size_t>(g.num_nodes() + 2));
  }
  EXPECT_GT(with_interior_cuts, 1000);
}

TEST(Structure, ChainHasEveryNodeAsCutVertex) {
  RandomDagOptions o;
  o.min_nodes = o.max_nodes = 10;
  o.max_fan_in = 1;
  o.skip_prob = 0;
  o.two_output_prob = 0;
  o.extra_output_prob = 0;
  Graph g = random_dag(3, o);
  Structure s = analyze(g);
  EXPECT_EQ(s.cut_vertices().size(), 10u);
}

}  // namespace
}  // namespace edgecut::graph
