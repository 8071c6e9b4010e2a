// A hand-made case where published DADS (no precedence arcs) returns a plan
// that goes edge -> cloud -> edge and under-prices it, while dads-fixed does not.
#include <gtest/gtest.h>

#include "partition/algorithms.h"

namespace edgecut::partition {
namespace {

// input -> a -> b -> c -> output, tiny tensors. a and c are much faster on the
// edge, b much faster in the cloud. Without precedence arcs the cut puts a and
// c on the edge and b in the cloud, paying only a->b and never b->c.
graph::Graph chain3() {
  graph::Graph g;
  g.name = "chain3";
  auto value = [&g](const char* name, int64_t bytes) {
    graph::Value v;
    v.name = name;
    v.dtype = graph::DType::kFloat;
    v.bytes = bytes;
    v.shape = {bytes / 4};
    g.values.push_back(v);
    return static_cast<graph::ValueId>(g.values.size() - 1);
  };
  auto in = value("input", 4000);
  auto x1 = value("x1", 4000);
  auto x2 = value("x2", 4000);
  auto out = value("output", 40);
  g.inputs = {in};
  g.outputs = {out};
  g.nodes = {{"a", "Op", {in}, {x1}}, {"b", "Op", {x1}, {x2}}, {"c", "Op", {x2}, {out}}};
  EXPECT_TRUE(g.finalize().is_ok());
  return g;
}

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
