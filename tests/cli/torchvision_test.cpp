// Real torchvision exports (made by the export_torchvision ctest fixture with
// Debian's python3-torchvision) go through inspect and plan.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "run_cli.h"

namespace edgecut {
namespace {

class Torchvision : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (auto why = testing::torchvision_missing(GetParam())) GTEST_SKIP() << *why;
  }
  std::string model() const { return testing::torchvision_path(GetParam()); }
};

TEST_P(Torchvision, InspectFindsStructure) {
  auto r = testing::run_cli("inspect " + model() + " --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["nodes"].size(), 50u);
  EXPECT_GE(j["cut_vertices"].size(), 4u);
  EXPECT_EQ(j["name"], GetParam());
  // Raw float input of 1x3x224x224.
  EXPECT_EQ(j["values"][j["inputs"][0].get<int>()]["bytes"], 602112);
  // Exporter's Identity-of-initializer nodes are weights, not compute nodes.
  for (const auto& n : j["nodes"]) EXPECT_NE(n["op"], "Constant");
}

TEST_P(Torchvision, PlanAllAlgorithmsQdmpExact) {
  for (const char* bw : {"1Mbps", "20Mbps", "300Mbps"}) {
    auto r = testing::run_cli("plan " + model() + " -b " + bw + " --edge-gflops 8 --algo all --json");
    ASSERT_EQ(r.rc, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    std::map<std::string, double> total;
    for (const auto& p : j["plans"]) {
      // An invalid plan (edge->cloud->edge, published DADS) is outside the space qdmp searches.
      if (p["valid"].get<bool>()) total[p["algo"]] = p["predicted"]["total_ms"];
    }
    EXPECT_DOUBLE_EQ(total["qdmp"], total["dads-fixed"]) << bw;
    for (const auto& [algo, t] : total) EXPECT_LE(total["qdmp"], t + 1e-9) << algo << " at " << bw;
  }
}

INSTANTIATE_TEST_SUITE_P(Exports, Torchvision,
                         ::testing::Values("resnet50", "googlenet", "densenet121", "mobilenet_v2"));

}  // namespace
}  // namespace edgecut
