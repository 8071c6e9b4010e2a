#include "partition/envelope.h"

#include <gtest/gtest.h>

#include <cmath>

#include "random_problem.h"

namespace edgecut::partition {
namespace {

TEST(Envelope, LookupGivesTheOptimalPlanAtEveryBandwidth) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    auto p = testing::random_problem(seed, 40);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    Qdmp q(*cm);
    Envelope env = Envelope::build(q, p.net, 1e5, 1e9);
    ASSERT_GE(env.pieces().size(), 1u);
    EXPECT_LE(env.solves(), 2 * static_cast<int>(env.pieces().size()) + 1);
    for (size_t i = 1; i < env.pieces().size(); ++i) {
      ASSERT_LT(env.pieces()[i - 1].from_bps, env.pieces()[i].from_bps);
    }
    std::mt19937_64 rng(seed);
    for (int k = 0; k < 20; ++k) {
      double bps = std::pow(10.0, 5.0 + 4.0 * static_cast<double>(rng() % 10000) / 10000.0);
      Network net = p.net;
      net.uplink_bps = bps;
      if (p.net.downlink_bps > 0) net.downlink_bps = bps * p.net.downlink_bps / p.net.uplink_bps;
      Rates rates = cm->rates(net);
      int64_t best = q.solve(net, rates).predicted.total_ns;
      int64_t got = cm->evaluate(env.lookup(bps).plan.on_edge, rates).total_ns;
      // Integer rounding of each transfer to the nanosecond can tie-break differently.
      ASSERT_LE(std::abs(got - best), p.g.num_values() + 1) << "seed " << seed << " bps " << bps;
    }
  }
}

}  // namespace
}  // namespace edgecut::partition
