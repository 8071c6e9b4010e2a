// The ONNX Runtime engine through the CLI: `bench engines`, --input-shape on a
// torchvision export with symbolic N / H / W, shapes by execution on a model
// whose Reshape target static inference cannot resolve, and the warning when
// a plan made from one engine's profiles runs on another. Skips (saying how to
// fix it) without ORT or without the exports.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "ort_skip.h"
#include "run_cli.h"

namespace edgecut {
namespace {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("edgecut_ort_cli_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(OrtCli, BenchEnginesInterleavesBothWithRatios) {
  if (auto why = testing::ort_missing()) GTEST_SKIP() << *why;
  auto r = testing::run_cli(
      "bench engines zoo:resnet18@64/4 zoo:googlenet@64/4 --runs 3 --warmup 1 --threads 1,2 --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["rows"].size(), 4u);  // 2 models x 2 thread counts
  for (const auto& row : j["rows"]) {
    ASSERT_EQ(row["engines"].size(), 2u);
    EXPECT_EQ(row["engines"][0]["engine"], "opencv");
    EXPECT_EQ(row["engines"][1]["engine"], "ort");
    for (const auto& e : row["engines"]) EXPECT_EQ(e["ms"]["n"], 3) << e.dump();
    const double ratio = row["engines"][1]["ratio"];
    const double want = row["engines"][1]["ms"]["median_ms"].get<double>() /
                        row["engines"][0]["ms"]["median_ms"].get<double>();
    EXPECT_NEAR(ratio, want, 1e-9);
  }
  auto t = testing::run_cli("bench engines zoo:resnet18@64/4 --runs 2 --threads 1");
  ASSERT_EQ(t.rc, 0) << t.err;
  EXPECT_NE(t.out.find("ort/opencv"), std::string::npos) << t.out;
}

TEST(OrtCli, InputShapeBindsSymbolicDims) {
  const std::string name = "squeezenet1_0_dynamic";
  if (auto why = testing::torchvision_missing(name)) GTEST_SKIP() << *why;
  const std::string model = testing::torchvision_path(name);
  auto refused = testing::run_cli("inspect " + model);
  EXPECT_NE(refused.rc, 0);
  EXPECT_NE(refused.err.find("'H'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--input-shape input="), std::string::npos) << refused.err;
  auto bad = testing::run_cli("inspect " + model + " --input-shape data=1x3x64x64");
  EXPECT_NE(bad.rc, 0);
  EXPECT_NE(bad.err.find("not an input"), std::string::npos) << bad.err;

  auto r = testing::run_cli("inspect " + model + " --input-shape input=2x3x96x96 --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["values"][j["inputs"][0].get<int>()]["bytes"], 2 * 3 * 96 * 96 * 4);
  EXPECT_EQ(j["values"][j["outputs"][0].get<int>()]["bytes"], 2 * 1000 * 4);

  // plan and exec take it too; exec runs the split on ORT (the default where built in).
  if (auto why = testing::ort_missing()) GTEST_SKIP() << *why;
  const std::string plan = temp_path("dyn_plan.json");
  auto p = testing::run_cli("plan " + model +
                            " --input-shape input=1x3x128x128 -b 10Mbps --edge-gflops 8 -o " + plan);
  ASSERT_EQ(p.rc, 0) << p.err;
  auto e = testing::run_cli("exec " + model + " --input-shape input=1x3x128x128 --plan " + plan +
                            " --repeat 1 --json");
  ASSERT_EQ(e.rc, 0) << e.err;
  auto ej = nlohmann::json::parse(e.out);
  EXPECT_EQ(ej["engine"], "ort");
  EXPECT_LE(ej["max_abs_diff"].get<double>(), 1e-4);
  fs::remove(plan);
}

TEST(OrtCli, ShapesByExecutionAreRecordedAndSaidSo) {
  const std::string name = "computed_reshape";
  if (auto why = testing::torchvision_missing(name)) GTEST_SKIP() << *why;
  const std::string model = testing::torchvision_path(name);
  if (auto why = testing::ort_missing()) {
    auto r = testing::run_cli("inspect " + model);  // without ORT: the static error, with the hint
    EXPECT_NE(r.rc, 0);
    EXPECT_NE(r.err.find("scripts/setup.sh"), std::string::npos) << r.err;
    GTEST_SKIP() << *why;
  }
  auto h = testing::run_cli("inspect " + model);
  ASSERT_EQ(h.rc, 0) << h.err;
  EXPECT_NE(h.out.find("by running the model"), std::string::npos) << h.out;
  auto r = testing::run_cli("inspect " + model + " --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["shapes_from_run"], 4);  // flat, tokens, proj, output
  std::map<std::string, int64_t> bytes;
  for (const auto& v : j["values"]) bytes[v["name"]] = v["bytes"];
  EXPECT_EQ(bytes["flat"], 8 * 256 * 4);
  EXPECT_EQ(bytes["output"], 256 * 5 * 4);

  // The split matches the reference computed with numpy.
  const std::string plan = temp_path("reshape_plan.json");
  auto p = testing::run_cli("plan " + model + " -b 1Mbps --edge-gflops 8 -o " + plan);
  ASSERT_EQ(p.rc, 0) << p.err;
  auto e = testing::run_cli("exec " + model + " --plan " + plan + " --input " +
                            testing::torchvision_path(name, ".input.bin") + " --repeat 1 --json");
  ASSERT_EQ(e.rc, 0) << e.err;
  EXPECT_EQ(nlohmann::json::parse(e.out)["engine"], "ort");
  fs::remove(plan);
}

}  // namespace
}  // namespace edgecut
