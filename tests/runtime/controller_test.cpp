// runtime/controller: the pipelined choice with the edge's cost of sending.
// A head that leaves only the last layers to a slow cloud shortens the edge
// stage by those layers; when sending costs the edge more than that, edge-only
// must win (the googlenet at 5 Mbit/s row of the stream table).
#include "runtime/controller.h"

#include <gtest/gtest.h>

#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

struct Costs {
  graph::Model model = edgecut::testing::zoo_model("googlenet");
  std::vector<double> edge_ms, cloud_ms;
  Costs() {
    // 1 ms per node on the edge, 100 ms per node in the cloud: the best
    // pipelined plan keeps almost everything on the edge.
    edge_ms.assign(static_cast<size_t>(model.graph.num_nodes()), 1.0);
    cloud_ms.assign(static_cast<size_t>(model.graph.num_nodes()), 100.0);
  }
  Controller make(bool throughput) const {
    ControllerOptions o;
    o.throughput = throughput;
    auto c = Controller::create(model.graph, edge_ms, cloud_ms, o, 1.0);
    EXPECT_TRUE(c) << c.status().message();
    return std::move(*c);
  }
};

TEST(Controller, PipelinedChoiceCountsWhatSendingCostsTheEdge) {
  Costs s;
  const int n = s.model.graph.num_nodes();
  Controller c = s.make(true);
  const int split = c.choose(1e9, -1);
  ASSERT_GE(split, 0);
  const Candidate& sp = c.candidates()[static_cast<size_t>(split)];
  ASSERT_LT(static_cast<int>(sp.edge_nodes.size()), n) << "without a send cost a split should win";
  const double saved = n - c.predict(split, 1e9).edge_ms;  // head time the split saves
  ASSERT_GT(saved, 0);

  c.set_send_cost(saved + 2.0, 0);  // sending costs more than the split saves
  const int now = c.choose(1e9, -1);
  EXPECT_EQ(static_cast<int>(c.candidates()[static_cast<size_t>(now)].edge_nodes.size()), n);
  EXPECT_NEAR(c.predict(now, 1e9).period_ms, n, 1e-9);          // edge-only pays no send cost
  EXPECT_NEAR(c.predict(split, 1e9).period_ms, n + 2.0, 1e-9);  // the split's edge stage grew

  c.set_send_cost(saved / 4, 0);  // cheaper than what the split saves: the split again
  EXPECT_EQ(c.choose(1e9, -1), split);
}

TEST(Controller, SendCostLeavesLatencyPlansAlone) {
  Costs s;
  Controller c = s.make(false);
  const int before = c.choose(1e7, -1);
  const double total = c.predict(before, 1e7).total_ms;
  c.set_send_cost(1000, 1);
  EXPECT_EQ(c.choose(1e7, -1), before);
  EXPECT_EQ(c.predict(before, 1e7).total_ms, total);
}

}  // namespace
}  // namespace edgecut::runtime
