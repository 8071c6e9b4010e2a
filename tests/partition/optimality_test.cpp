// Every exact algorithm agrees with brute force on many random DAGs, and every
// plan's cost from the oracle equals the algorithm's own cut value.
#include <gtest/gtest.h>

#include "partition/algorithms.h"
#include "partition/qdmp.h"
#include "random_problem.h"

namespace edgecut::partition {
namespace {

TEST(Optimality, QdmpDadsFixedBruteAgreeOnTenThousandRandomDags) {
  int disagreements = 0;
  int blocks_pruned_somewhere = 0;
  for (uint64_t seed = 1; seed <= 10000; ++seed) {
    auto p = testing::random_problem(seed);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    ASSERT_TRUE(cm.has_value()) << cm.status().to_string();
    Rates rates = cm->rates(p.net);
    Plan brute = solve_brute(*cm, p.net, rates);
    Qdmp q(*cm);
    Plan qd = q.solve(p.net, rates);
    Plan df = solve_dads(*cm, p.net, rates, true);
    Plan ns = solve_neurosurgeon(*cm, p.net, rates);
    blocks_pruned_somewhere += q.stats().blocks_solved < q.stats().blocks;
    for (const Plan* plan : {&brute, &qd, &df, &ns}) {
      ASSERT_TRUE(plan->valid()) << plan->algo << " seed " << seed;
      ASSERT_TRUE(cm->is_closed(plan->on_edge)) << plan->algo << " seed " << seed;
      ASSERT_FALSE(plan->mispriced()) << plan->algo << " seed " << seed << " claimed " << plan->claimed_ns
                                      << " oracle " << plan->predicted.total_ns;
    }
    disagreements += qd.predicted.total_ns != brute.predicted.total_ns;
    ASSERT_EQ(qd.predicted.total_ns, brute.predicted.total_ns) << "qdmp, seed " << seed;
    ASSERT_EQ(df.predicted.total_ns, brute.predicted.total_ns) << "dads-fixed, seed " << seed;
    ASSERT_GE(ns.predicted.total_ns, brute.predicted.total_ns) << "neurosurgeon, seed " << seed;
  }
  EXPECT_EQ(disagreements, 0);
  EXPECT_GT(blocks_pruned_somewhere, 100) << "pruning never fired: the bound is not exercised";
}

TEST(Optimality, PublishedDadsSendsDataBackAndMisPricesOnRandomDags) {
  int invalid = 0, mispriced = 0;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    auto p = testing::random_problem(seed);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    Rates rates = cm->rates(p.net);
    Plan brute = solve_brute(*cm, p.net, rates);
    Plan dads = solve_dads(*cm, p.net, rates, false);
    invalid += !dads.valid();
    mispriced += dads.mispriced();
    // An edge->cloud->edge plan lies outside the valid space and may look cheaper;
    // a valid one can never beat the optimum.
    EXPECT_EQ(dads.valid(), cm->is_closed(dads.on_edge)) << "seed " << seed;
    if (dads.valid()) {
      EXPECT_GE(dads.predicted.total_ns, brute.predicted.total_ns) << "seed " << seed;
    }
  }
  // Random DAGs where some layers are faster on the edge make published DADS
  // send data back from the cloud in a good share of cases (docs/design.md, "Min-cut construction").
  EXPECT_GT(invalid, 30);
  EXPECT_GT(mispriced, 30);
}

TEST(Optimality, LargerRandomDagsQdmpEqualsDadsFixed) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    auto p = testing::random_problem(seed, 300);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    Rates rates = cm->rates(p.net);
    Qdmp q(*cm);
    Plan qd = q.solve(p.net, rates);
    Plan df = solve_dads(*cm, p.net, rates, true);
    ASSERT_EQ(qd.predicted.total_ns, df.predicted.total_ns) << "seed " << seed;
    ASSERT_FALSE(qd.mispriced()) << "seed " << seed;
    ASSERT_TRUE(qd.valid());
  }
}

}  // namespace
}  // namespace edgecut::partition
