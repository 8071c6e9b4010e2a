// A hand-made case where published DADS (no precedence arcs) returns a plan
// that goes edge -> cloud -> edge and under-prices it, while dads-fixed does not.
#include <gtest/gtest.h>

#include "chain3.h"
#include "partition/algorithms.h"

namespace edgecut::partition {
namespace {

using testing::chain3;  // a and c fast on the edge, b fast in the cloud

TEST(Dads, PublishedDadsMisPricesAnEdgeCloudEdgePlan) {
  graph::Graph g = chain3();
  auto cm = CostModel::create(g, {1, 50, 1}, {10, 1, 10});
  ASSERT_TRUE(cm.has_value());
  Network net;
  net.uplink_bps = 100e6;
  Rates rates = cm->rates(net);
  Plan dads = solve_dads(*cm, net, rates, false);
  EXPECT_FALSE(dads.valid()) << "published DADS should send x2 back from the cloud";
  EXPECT_TRUE(dads.mispriced());
  EXPECT_LT(dads.claimed_ns, dads.predicted.total_ns);
  ASSERT_EQ(dads.reverse_values.size(), 1u);
  EXPECT_EQ(g.values[dads.reverse_values[0]].name, "x2");

  Plan fixed = solve_dads(*cm, net, rates, true);
  EXPECT_TRUE(fixed.valid());
  EXPECT_FALSE(fixed.mispriced());
  Plan brute = solve_brute(*cm, net, rates);
  EXPECT_EQ(fixed.predicted.total_ns, brute.predicted.total_ns);
}

}  // namespace
}  // namespace edgecut::partition
