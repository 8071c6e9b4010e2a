// Qdmp's two halves (the structure analysed once, the costs re-priced) and
// the plan line the runtime prices with (CostModel::line / price).
#include <gtest/gtest.h>

#include <random>

#include "graph/segment.h"
#include "partition/algorithms.h"
#include "partition/qdmp.h"
#include "random_problem.h"

namespace edgecut::partition {
namespace {

// A Qdmp re-priced for new costs decides exactly as one built from scratch
// for them, and both match dads-fixed; the structure object is the same one.
TEST(Reprice, RepricedQdmpEqualsAFreshOneOnRandomDags) {
  for (uint64_t seed = 1; seed <= 1500; ++seed) {
    auto p = testing::random_problem(seed, 24);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    ASSERT_TRUE(cm);
    if (seed % 3 == 0) cm->encodings = testing::random_encodings(p.g, seed);
    Qdmp q(*cm);
    const auto* structure = &q.structure();
    const double fe = 0.2 + static_cast<double>(seed % 17) / 4, fc = 0.3 + static_cast<double>(seed % 11) / 3;
    auto scaled = cm->scaled(fe, fc);
    ASSERT_TRUE(scaled);
    for (size_t v = 0; v < cm->te_ns.size(); ++v) {
      ASSERT_EQ(scaled->te_ns[v], std::llround(static_cast<double>(cm->te_ns[v]) * fe));
      ASSERT_EQ(scaled->tc_ns[v], std::llround(static_cast<double>(cm->tc_ns[v]) * fc));
    }
    q.reprice(*scaled);
    EXPECT_EQ(&q.structure(), structure);
    Qdmp fresh(*scaled);
    const Rates rates = scaled->rates(p.net);
    const Plan a = q.solve(p.net, rates), b = fresh.solve(p.net, rates);
    ASSERT_EQ(a.on_edge, b.on_edge) << "seed " << seed;
    ASSERT_EQ(a.claimed_ns, b.claimed_ns) << "seed " << seed;
    ASSERT_EQ(a.predicted.total_ns, solve_dads(*scaled, p.net, rates, true).predicted.total_ns) << seed;
    // A shared structure gives the same too.
    Qdmp shared(*scaled, q.shared_structure());
    ASSERT_EQ(shared.solve(p.net, rates).on_edge, a.on_edge) << "seed " << seed;
  }
}

TEST(Reprice, ScaledRefusesFactorsThatLeaveTheRange) {
  auto p = testing::random_problem(3);
  auto cm = CostModel::create(p.g, p.te, p.tc);
  ASSERT_TRUE(cm);
  for (double f : {-1.0, double{NAN}, double{INFINITY}}) {
    auto s = cm->scaled(f, 1);
    ASSERT_FALSE(s) << f;
    EXPECT_NE(s.status().message().find("edge factor"), std::string::npos) << s.status().message();
  }
  auto big = cm->scaled(1, 1e30);
  ASSERT_FALSE(big);
  EXPECT_NE(big.status().message().find("over 1e9 ms"), std::string::npos) << big.status().message();
  EXPECT_TRUE(cm->scaled(0, 0));  // everything free is a valid model
}

// The plan line priced at a network is the oracle's evaluate() of the same
// plan, with the encodings rates() chose, up to evaluate()'s rounding of each
// tensor's price (under 1 ns per tensor plus 1 ns per side).
TEST(PlanLine, PriceAgreesWithTheOracle) {
  int encoded = 0;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    auto p = testing::random_problem(seed, 24);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    ASSERT_TRUE(cm);
    if (seed % 2 == 0) cm->encodings = testing::random_encodings(p.g, seed);
    std::mt19937_64 rng(seed);
    const std::vector<char> mask =
        graph::random_closed_set(p.g, rng, static_cast<int>(rng() % (p.g.num_nodes() + 1)), 4, true);
    const Rates rates = cm->rates(p.net);
    std::vector<std::pair<ValueId, std::string>> sent_as;
    for (ValueId x : graph::crossings(p.g, mask).up) {
      const CostModel::Crossing c = cm->crossing(x, rates);
      if (c.encoding != "fp32") sent_as.emplace_back(x, c.encoding);
    }
    encoded += !sent_as.empty();
    const PlanLine line = cm->line(mask, sent_as);
    EXPECT_EQ(line.encodings, sent_as);
    const Breakdown want = cm->evaluate(mask, rates), got = price(line, p.net);
    const int64_t slack = 2 + static_cast<int64_t>(p.g.values.size());
    EXPECT_EQ(got.edge_ns, want.edge_ns);
    EXPECT_EQ(got.cloud_ns, want.cloud_ns);
    EXPECT_EQ(got.rtt_ns, want.rtt_ns) << seed;
    EXPECT_NEAR(static_cast<double>(got.uplink_ns), static_cast<double>(want.uplink_ns), slack) << seed;
    EXPECT_NEAR(static_cast<double>(got.downlink_ns), static_cast<double>(want.downlink_ns), slack) << seed;
    // Scaled sides: the line scaled equals the scaled model's evaluation.
    auto scaled = cm->scaled(1.5, 0.5);
    ASSERT_TRUE(scaled);
    const Breakdown s = price(line, p.net, 1.5, 0.5), ws = scaled->evaluate(mask, rates);
    EXPECT_NEAR(static_cast<double>(s.edge_ns), static_cast<double>(ws.edge_ns), slack);
    EXPECT_NEAR(static_cast<double>(s.cloud_ns), static_cast<double>(ws.cloud_ns), slack);
  }
  EXPECT_GT(encoded, 100) << "the encoded case is not exercised";
}

}  // namespace
}  // namespace edgecut::partition
