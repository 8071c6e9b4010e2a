// Real-engine tests: `edgecut profile` and `edgecut bench accuracy` on small
// zoo models through the built binary (the profile stage cannot link the
// engine; the CLI wires it in). Assertions are structural — non-negative,
// consistent sums, fields present — never timing thresholds, which would be
// flaky on a shared machine.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>

#include "run_cli.h"

namespace {

using edgecut::testing::run_cli_merged;
using Result = edgecut::testing::CliResult;

std::string tmp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("edgecut_prof_" + std::to_string(getpid()) + "_" + name))
      .string();
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

// Small, fast models with the real topologies (width divided by 8).
constexpr const char* kResnet = "zoo:resnet18@32/8";
constexpr const char* kGooglenet = "zoo:googlenet@32/8";
constexpr const char* kQuick = "--repeat 3 --warmup 1 --retries 1 -q";

void check_profile(const nlohmann::json& p, const std::string& method) {
  ASSERT_TRUE(p.is_object());
  EXPECT_EQ(p["format"], "edgecut-profile");
  EXPECT_EQ(p["method"], method);
  ASSERT_TRUE(p["nodes"].is_array());
  EXPECT_EQ(p["nodes"].size(), p["num_nodes"].get<size_t>());
  for (const auto& n : p["nodes"]) {
    double ms = n["ms"].get<double>();
    EXPECT_GE(ms, 0) << n["name"];
    EXPECT_TRUE(std::isfinite(ms));
  }
  EXPECT_GT(p["total_ms"].get<double>(), 0);
  EXPECT_TRUE(p["extra"].contains("whole"));
  EXPECT_GT(p["extra"]["whole"]["median_ms"].get<double>(), 0);
  EXPECT_TRUE(p["extra"].contains("seconds"));
}

TEST(ProfileCli, SegmentWeightsAddUpToTheMeasuredRuns) {
  const std::string out = tmp_path("seg.json");
  Result r = run_cli_merged(std::string("profile ") + kResnet + " --method segment --max-cuts 12 " + kQuick +
                            " -o " + out);
  ASSERT_EQ(r.rc, 0) << r.out;
  auto p = read_json(out);
  check_profile(p, "segment");
  const auto& e = p["extra"];
  const double whole = e["whole"]["median_ms"].get<double>();
  const double split = e["split_overhead_ms"].get<double>();
  EXPECT_GE(split, 0);
  // By construction the weights sum to whole + split overhead (same runs).
  EXPECT_NEAR(p["total_ms"].get<double>(), whole + split, 1e-6 * (whole + split) + 1e-9);
  const auto& b = e["boundaries"];
  ASSERT_EQ(b.size(), 12u);
  EXPECT_EQ(b.front()["pos"], 0);
  EXPECT_EQ(b.back()["pos"], p["num_nodes"].get<int>() - 2);
  int cut_vertices = 0;
  double prev = -1;
  for (const auto& x : b) {
    EXPECT_GT(x["prefix_ms"].get<double>(), 0);
    EXPECT_GT(x["suffix_ms"].get<double>(), 0);
    EXPECT_GE(x["fit_prefix_ms"].get<double>(), prev);  // isotonic
    prev = x["fit_prefix_ms"].get<double>();
    cut_vertices += x["cut_vertex"].get<bool>();
  }
  EXPECT_GT(cut_vertices, 0);  // resnet's adds are cut vertices; boundaries snap to them
  std::filesystem::remove(out);
}

TEST(ProfileCli, SegmentInBatchesWhenMemoryIsShort) {
  const std::string out = tmp_path("segb.json");
  Result r = run_cli_merged(std::string("profile ") + kGooglenet +
                            " --method segment --max-cuts 6 --memory-gb 0.000001 " + kQuick + " -o " + out);
  ASSERT_EQ(r.rc, 0) << r.out;
  auto p = read_json(out);
  check_profile(p, "segment");
  EXPECT_EQ(p["extra"]["batches"].get<int>(), 6);  // one boundary per batch
  EXPECT_EQ(p["extra"]["batch_whole"].size(), 6u);
  std::filesystem::remove(out);
}

TEST(ProfileCli, IsolatedAndLayerwise) {
  for (const char* m : {"isolated", "layerwise"}) {
    const std::string out = tmp_path(std::string(m) + ".json");
    Result r = run_cli_merged(std::string("profile ") + kResnet + " --engine opencv --method " + m +
                              " --threads 2 " + kQuick + " -o " + out);
    ASSERT_EQ(r.rc, 0) << r.out;
    auto p = read_json(out);
    check_profile(p, m);
    EXPECT_EQ(p["threads"], 2);
    EXPECT_GT(p["extra"]["sum_over_whole"].get<double>(), 0);
    if (std::string(m) == "layerwise") {
      // OpenCV fuses BatchNorm / ReLU into the convolution and reports them as 0.
      EXPECT_GT(p["extra"]["zero_nodes"].get<int>(), 0);
    }
    std::filesystem::remove(out);
  }
}

TEST(ProfileCli, ProfilesFeedThePlanner) {
  const std::string e = tmp_path("edge.json"), c = tmp_path("cloud.json");
  ASSERT_EQ(run_cli_merged(std::string("profile ") + kResnet + " --engine opencv --method layerwise " +
                           kQuick + " -o " + e)
                .rc,
            0);
  ASSERT_EQ(run_cli_merged(std::string("profile ") + kResnet +
                           " --engine opencv --method layerwise --device cloud " + kQuick + " -o " + c)
                .rc,
            0);
  Result r = run_cli_merged(std::string("plan ") + kResnet + " --edge-profile " + e + " --cloud-profile " +
                            c + " --bandwidth 10Mbps --json");
  EXPECT_EQ(r.rc, 0) << r.out;
  // A profile of another model is refused by name.
  r = run_cli_merged(std::string("plan ") + kGooglenet + " --edge-profile " + e + " --cloud-profile " + c +
                     " --bandwidth 10Mbps");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("re-run edgecut profile"), std::string::npos) << r.out;
  std::filesystem::remove(e);
  std::filesystem::remove(c);
}

TEST(ProfileCli, BadArguments) {
  Result r = run_cli_merged(std::string("profile ") + kResnet + " --method bogus -o /dev/null");
  EXPECT_NE(r.rc, 0);
  r = run_cli_merged(std::string("profile ") + kResnet + " --method segment --engine nosuch -q -o /dev/null");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.out.find("nosuch"), std::string::npos) << r.out;
  r = run_cli_merged("profile /nonexistent.onnx --method segment -o /dev/null");
  EXPECT_NE(r.rc, 0);
  r = run_cli_merged(std::string("profile ") + kResnet +
                     " --method estimate -o /dev/null");  // needs --gflops
  EXPECT_EQ(r.rc, 2) << r.out;
  r = run_cli_merged(std::string("profile ") + kResnet + " --emulate-edge 2 -o /dev/null");
  EXPECT_NE(r.rc, 0);
}

TEST(ProfileCli, EdgeEmulationQuotaOrExplicitFactor) {
  // Forced fallback: times are multiplied by 1 / fraction, and the profile says so.
  const std::string out = tmp_path("emu.json");
  Result r = run_cli_merged(std::string("profile ") + kResnet +
                            " --engine opencv --method layerwise --emulate-edge 0.5 --slowdown-factor-only " +
                            kQuick + " -o " + out);
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("slow-down factor 2"), std::string::npos) << r.out;
  auto p = read_json(out);
  EXPECT_DOUBLE_EQ(p["extra"]["cpu"]["slowdown_factor"].get<double>(), 2.0);
  EXPECT_FALSE(p["extra"]["cpu"]["quota_applied"].get<bool>());
  EXPECT_EQ(p["device"], "edge");
  // The real thing: a cgroup v1 quota where writable (root here), else the
  // automatic fallback — either way the profile states which, and no cgroup
  // is left behind.
  r = run_cli_merged(std::string("profile ") + kResnet +
                     " --engine opencv --method layerwise --emulate-edge 0.5 " + kQuick + " -o " + out);
  ASSERT_EQ(r.rc, 0) << r.out;
  p = read_json(out);
  const auto& cpu = p["extra"]["cpu"];
  EXPECT_TRUE(cpu["pinned"].get<bool>());
  if (cpu["quota_applied"].get<bool>()) {
    EXPECT_DOUBLE_EQ(cpu["slowdown_factor"].get<double>(), 1.0);
    const std::string dir = cpu["cgroup"].get<std::string>();
    EXPECT_FALSE(dir.empty());
    struct stat st {};
    EXPECT_NE(stat(dir.c_str(), &st), 0) << dir << " left behind";
  } else {
    EXPECT_DOUBLE_EQ(cpu["slowdown_factor"].get<double>(), 2.0);
    EXPECT_FALSE(cpu["note"].get<std::string>().empty());
  }
  r = run_cli_merged(std::string("profile ") + kResnet +
                     " --engine opencv --method layerwise --emulate-cloud " + kQuick + " -o " + out);
  ASSERT_EQ(r.rc, 0) << r.out;
  p = read_json(out);
  EXPECT_EQ(p["device"], "cloud");
  EXPECT_EQ(p["extra"]["cpu"]["cpu"], 1);
  std::filesystem::remove(out);
}

TEST(BenchAccuracy, ComparesMethodsOnTheSameRuns) {
  Result r = run_cli_merged(std::string("bench accuracy ") + kGooglenet +
                            " --engine opencv --plans 3 --points 6 --max-cuts 8 --json " + kQuick);
  ASSERT_EQ(r.rc, 0) << r.out;
  auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')), nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["bench"], "accuracy");
  // isolated, layerwise, segment, and segment's per-side weights as one set.
  ASSERT_EQ(j["rows"].size(), 4u);
  EXPECT_EQ(j["rows"][3]["label"], "segment (one set)");
  EXPECT_EQ(j["rows"][3]["method"], "segment");
  EXPECT_GE(j["plans"].get<int>(), 3);
  // Edge-only / cloud-only plans have one side; every other plan two.
  int sides = 0;
  for (const auto& plan : j["plan_details"]) {
    const int h = plan["head_nodes"].get<int>(), t = plan["tail_nodes"].get<int>();
    EXPECT_EQ(h + t, j["nodes"].get<int>());
    sides += (h > 0) + (t > 0);
    EXPECT_GT(plan["whole_ms"].get<double>(), 0);
    if (h > 0 && t > 0) {
      EXPECT_GT(plan["head_ms"].get<double>(), 0);
      EXPECT_GT(plan["tail_ms"].get<double>(), 0);
      // Shares of the whole net, paired per round: each side is part of it.
      EXPECT_GT(plan["head_share"].get<double>(), 0);
      EXPECT_GT(plan["tail_share"].get<double>(), 0);
      EXPECT_GE(plan["crossing"].get<int>(), 1);
    } else {
      EXPECT_NE(plan["source"].get<std::string>(), "random");
    }
  }
  for (const auto& row : j["rows"]) {
    EXPECT_EQ(row["all"]["n"].get<int>(), sides);
    EXPECT_GE(row["all"]["mean_abs_pct"].get<double>(), 0);
    EXPECT_GE(row["all"]["p90_abs_pct"].get<double>(), 0);
  }
  // With a profile file instead of profiling here.
  const std::string out = tmp_path("acc.json");
  ASSERT_EQ(run_cli_merged(std::string("profile ") + kGooglenet + " --engine opencv --method layerwise " +
                           kQuick + " -o " + out)
                .rc,
            0);
  r = run_cli_merged(std::string("bench accuracy ") + kGooglenet + " --profile " + out +
                     " --plans 2 --points 2 " + kQuick);
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("layerwise"), std::string::npos) << r.out;
  std::filesystem::remove(out);
}

}  // namespace
