// eval/solve_bench on a small zoo model with a tiny time per measurement.
#include "eval/solve_bench.h"

#include <gtest/gtest.h>

#include "zoo_model.h"

namespace edgecut::eval {
namespace {

TEST(SolveBench, TimesEveryAlgorithmOnAZooModel) {
  graph::Model m = edgecut::testing::zoo_model("googlenet");
  auto t = bench_solve(m.graph, "zoo:googlenet@32/8", 2);
  ASSERT_TRUE(t) << t.status().message();
  EXPECT_EQ(t->nodes, m.graph.num_nodes());
  EXPECT_GT(t->cut_vertices, 0);
  EXPECT_GE(t->envelope_pieces, 1);
  for (double us : {t->qdmp_scratch, t->qdmp_cold, t->qdmp_redecide, t->analyze, t->dads_fixed,
                    t->dads_fixed_shared, t->neurosurgeon, t->dads_fixed_lemon, t->envelope_build,
                    t->envelope_lookup, t->rebuild_analyze, t->rebuild_reprice}) {
    EXPECT_GT(us, 0);
  }
  const nlohmann::json j = to_json(*t);
  for (const char* key :
       {"model", "nodes", "cut_vertices", "qdmp_scratch_us", "qdmp_redecide_us", "dads_fixed_us",
        "dads_fixed_lemon_us", "neurosurgeon_us", "envelope_build_us", "envelope_pieces",
        "envelope_lookup_us", "ratio_dads_fixed_over_qdmp", "qdmp_cold_us", "analyze_us",
        "dads_fixed_shared_us", "rebuild_analyze_us", "rebuild_reprice_us", "ratio_dads_fixed_over_qdmp_cold",
        "ratio_dads_fixed_shared_over_qdmp_cold"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
}

}  // namespace
}  // namespace edgecut::eval
