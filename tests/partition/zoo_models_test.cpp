// On every zoo model at 20 bandwidths from 0.1 Mbps to 1 Gbps, qdmp equals
// dads-fixed, both price honestly, and the envelope agrees with both.
#include <gtest/gtest.h>

#include <cmath>

#include "graph/onnx_import.h"
#include "partition/algorithms.h"
#include "partition/envelope.h"
#include "profile/profile.h"
#include "zoo/zoo.h"

namespace edgecut::partition {
namespace {

class ZooModels : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooModels, QdmpEqualsDadsFixedAcrossBandwidths) {
  zoo::Options o;
  o.image_size = GetParam() == "alexnet" || GetParam() == "vgg16" ? 96 : 224;
  o.width_divisor = 4;  // same graph, smaller weights: fast to build
  auto proto = zoo::build(GetParam(), o);
  ASSERT_TRUE(proto.has_value()) << proto.status().to_string();
  auto model = graph::import_model(std::move(*proto), "zoo:" + GetParam());
  ASSERT_TRUE(model.has_value()) << model.status().to_string();
  const graph::Graph& g = model->graph;
  // Several speed ratios, so that interior cuts (not only edge-only / cloud-only) win somewhere.
  int interior_cuts = 0;
  for (double edge_gflops : {5.0, 40.0, 200.0}) {
    auto edge = profile::estimate(g, "edge", edge_gflops, 20);
    auto cloud = profile::estimate(g, "cloud", 400, 20);
    auto cm = CostModel::create(g, edge->node_ms, cloud->node_ms);
    ASSERT_TRUE(cm.has_value());
    Qdmp q(*cm);
    Network net;
    net.rtt_ms = 15;
    auto env = Envelope::build(q, net, 1e5, 1e9);
    for (int i = 0; i < 20; ++i) {
      net.uplink_bps = 1e5 * std::pow(1e4, i / 19.0);
      Rates rates = cm->rates(net);
      Plan a = q.solve(net, rates);
      Plan b = solve_dads(*cm, net, rates, true);
      ASSERT_EQ(a.predicted.total_ns, b.predicted.total_ns) << GetParam() << " at " << net.uplink_bps;
      ASSERT_FALSE(a.mispriced());
      ASSERT_TRUE(a.valid());
      ASSERT_LE(solve_neurosurgeon(*cm, net, rates).predicted.total_ns,
                solve_cloud_only(*cm, net, rates).predicted.total_ns);
      int64_t via_env = cm->evaluate(env.lookup(net.uplink_bps).plan.on_edge, rates).total_ns;
      ASSERT_LE(std::abs(via_env - a.predicted.total_ns), g.num_values()) << GetParam();
      const int k = static_cast<int>(a.edge_nodes.size());
      interior_cuts += k > 0 && k < g.num_nodes();
    }
  }
  // Chains whose tensors shrink only after most of the compute (AlexNet, VGG at
  // 96 px, MobileNetV2) go edge-only or cloud-only under FLOP-proportional
  // costs; the others must exercise real min-cuts here.
  if (GetParam() != "alexnet" && GetParam() != "vgg16" && GetParam() != "mobilenet_v2") {
    EXPECT_GT(interior_cuts, 0) << "no bandwidth chose a real split: the test does not exercise min-cuts";
  }
}

INSTANTIATE_TEST_SUITE_P(All, ZooModels,
                         ::testing::Values("alexnet", "vgg16", "resnet18", "resnet50", "resnet152",
                                           "googlenet", "densenet121", "mobilenet_v2"));

}  // namespace
}  // namespace edgecut::partition
