// The throughput solver (partition/throughput.h) equals brute force over every
// closed set on many random DAGs; DSH is never better and within its bound;
// with a tiny node budget the reported lower bound really bounds the optimum.
#include "partition/throughput.h"

#include <gtest/gtest.h>

#include "partition/algorithms.h"
#include "partition/envelope.h"
#include "random_problem.h"

namespace edgecut::partition {
namespace {

void expect_sound(const CostModel& cm, const Plan& p, uint64_t seed) {
  ASSERT_TRUE(p.valid()) << p.algo << " seed " << seed;
  ASSERT_TRUE(cm.is_closed(p.on_edge)) << p.algo << " seed " << seed;
  ASSERT_EQ(p.objective, Objective::kThroughput) << p.algo;
  ASSERT_FALSE(p.mispriced()) << p.algo << " seed " << seed << " claimed " << p.claimed_ns << " oracle "
                              << p.objective_ns();
}

TEST(Throughput, ExactAgreesWithBruteAndDshNeverBetterOnTenThousandRandomDags) {
  int dsh_worse = 0, searched_less = 0, block_wins = 0;
  for (uint64_t seed = 1; seed <= 10000; ++seed) {
    auto p = testing::random_problem(seed);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    ASSERT_TRUE(cm.has_value()) << cm.status().to_string();
    Rates rates = cm->rates(p.net);
    Plan brute = solve_brute_throughput(*cm, p.net, rates);
    ThroughputSolver solver(*cm);
    Plan ours = solver.solve(p.net, rates);
    Plan dsh = solve_dsh(*cm, p.net, rates);
    for (const Plan* plan : {&brute, &ours, &dsh}) expect_sound(*cm, *plan, seed);
    ASSERT_TRUE(ours.exact) << "seed " << seed;
    ASSERT_EQ(ours.lower_bound_ns, ours.claimed_ns) << "seed " << seed;
    ASSERT_EQ(ours.objective_ns(), brute.objective_ns()) << "seed " << seed;
    ASSERT_GE(dsh.objective_ns(), ours.objective_ns()) << "seed " << seed;
    // max <= sum <= 4 max over the four stages: DSH's published guarantee.
    ASSERT_LE(dsh.objective_ns(), 4 * ours.objective_ns() + 4) << "seed " << seed;
    dsh_worse += dsh.objective_ns() > ours.objective_ns();
    searched_less += solver.stats().blocks_searched < solver.stats().blocks;
    block_wins += solver.stats().nodes > 0;
  }
  // The cases are not trivial: DSH often loses, the block bound prunes, the
  // search runs.
  EXPECT_GT(dsh_worse, 500);
  EXPECT_GT(searched_less, 500);
  EXPECT_GT(block_wins, 1000);
}

TEST(Throughput, TinyBudgetReportsAProvenBoundOnTheGap) {
  int inexact = 0;
  for (uint64_t seed = 1; seed <= 1500; ++seed) {
    auto p = testing::random_problem(seed, 20);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    Rates rates = cm->rates(p.net);
    const int64_t opt = solve_brute_throughput(*cm, p.net, rates).objective_ns();
    ThroughputSolver solver(*cm, /*node_budget=*/3);
    Plan ours = solver.solve(p.net, rates);
    expect_sound(*cm, ours, seed);
    ASSERT_LE(ours.lower_bound_ns, opt) << "seed " << seed;
    ASSERT_GE(ours.objective_ns(), opt) << "seed " << seed;
    if (ours.exact) {
      ASSERT_EQ(ours.objective_ns(), opt) << "seed " << seed;
    } else {
      ++inexact;
    }
  }
  EXPECT_GT(inexact, 100) << "the budget never ran out: the bound is not exercised";
}

TEST(Throughput, LargerRandomDagsNeverWorseThanDshOrTheBoundaries) {
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    auto p = testing::random_problem(seed, 300);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    Rates rates = cm->rates(p.net);
    ThroughputSolver solver(*cm);
    Plan ours = solver.solve(p.net, rates);
    expect_sound(*cm, ours, seed);
    ASSERT_LE(ours.lower_bound_ns, ours.objective_ns());
    for (const Plan& other : {solve_dsh(*cm, p.net, rates), solve_neurosurgeon(*cm, p.net, rates),
                              solve_edge_only(*cm, p.net, rates), solve_cloud_only(*cm, p.net, rates)}) {
      if (ours.exact) {
        ASSERT_LE(ours.objective_ns(), bottleneck_ns(other.predicted)) << other.algo << " seed " << seed;
      }
    }
  }
}

// The throughput envelope's plan at any bandwidth is as good as solving there,
// with raw tensors and with encodings (whose codec time is paid in the uplink
// stage, and whose encoded bytes set the slope).
TEST(Throughput, EnvelopeGivesTheOptimumEverywhereWithAndWithoutEncodings) {
  int off = 0, checks = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    auto p = testing::random_problem(seed, 12);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    ASSERT_TRUE(cm.has_value()) << cm.status().to_string();
    if (seed % 2 == 0) cm->encodings = testing::random_encodings(p.g, seed);
    ThroughputSolver solver(*cm);
    Envelope env = Envelope::build_throughput(solver, p.net, 1e5, 1e9);
    std::mt19937_64 rng(seed);
    for (int k = 0; k < 10; ++k, ++checks) {
      const double bps = std::pow(10.0, 5.0 + 4.0 * static_cast<double>(rng() % 10000) / 10000.0);
      Network net = p.net;
      net.uplink_bps = bps;
      if (p.net.downlink_bps > 0) net.downlink_bps = bps * p.net.downlink_bps / p.net.uplink_bps;
      const Rates rates = cm->rates(net);
      const int64_t best = solver.solve(net, rates).objective_ns();
      const int64_t got = bottleneck_ns(cm->evaluate(env.lookup(bps).plan.on_edge, rates));
      off += got > best + best / 1000000 + 2;
      EXPECT_LE(got, best + best / 1000000 + 2) << "seed " << seed << " bps " << bps;
    }
  }
  EXPECT_EQ(off, 0) << "of " << checks;
}

}  // namespace
}  // namespace edgecut::partition
