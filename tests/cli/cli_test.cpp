// The edgecut binary as users meet it: help everywhere, JSON contracts, and
// clear errors with a non-zero exit code for bad input (never a crash: a
// crash under ASan exits with a signal or ASan's code, which these tests reject).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace edgecut {
namespace {

using testing::run_cli;
namespace fs = std::filesystem;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("edgecut_clitest_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

// A clear error: exit code 1 or 2, one "edgecut <cmd>: error:" line naming `needle`.
void expect_clear_error(const testing::CliResult& r, const std::string& needle) {
  EXPECT_TRUE(r.rc == 1 || r.rc == 2) << "rc " << r.rc << "\n" << r.err;
  EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
  EXPECT_EQ(r.err.find("AddressSanitizer"), std::string::npos) << r.err;
}

TEST_F(Cli, HelpOnEverySubcommand) {
  for (const char* cmd : {"", "zoo", "inspect", "plan", "profile", "bench", "bench solve"}) {
    auto r = run_cli(std::string(cmd) + " --help");
    EXPECT_EQ(r.rc, 0) << cmd << "\n" << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
}

TEST_F(Cli, AnUnknownSubcommandIsNamed) {
  // CLI11 alone said "A subcommand is required" for both.
  for (const auto& [cmd, word] :
       std::vector<std::pair<std::string, std::string>>{{"foo", "foo"}, {"bench nosuch", "nosuch"}}) {
    auto r = run_cli(cmd);
    EXPECT_EQ(r.rc, 2) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find("unknown subcommand '" + word + "'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
  }
}

TEST_F(Cli, ABandwidthWithoutAUnitIsRefused) {
  auto r = run_cli("plan zoo:resnet18@64 --bandwidth 10");
  expect_clear_error(r, "needs a unit");
}

TEST_F(Cli, InspectJsonContract) {
  auto r = run_cli("inspect zoo:resnet18@64 --json --dot " + path("g.dot"));
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"nodes", "values", "inputs", "outputs", "cut_vertices"})
    ASSERT_TRUE(j.contains(key)) << key;
  ASSERT_EQ(j["nodes"].size(), 69u);
  for (const auto& n : j["nodes"]) {
    for (const char* key : {"id", "name", "op", "inputs", "outputs"}) ASSERT_TRUE(n.contains(key)) << key;
  }
  for (const auto& v : j["values"]) {
    for (const char* key : {"id", "name", "bytes", "producer", "consumers", "is_weight"}) {
      ASSERT_TRUE(v.contains(key)) << key;
    }
    if (!v["is_weight"].get<bool>()) {
      EXPECT_GT(v["bytes"].get<int64_t>(), 0);
    }
  }
  // A ResNet is a chain of residual blocks: the joins are cut vertices.
  EXPECT_GE(j["cut_vertices"].size(), 8u);
  std::string dot = testing::slurp(path("g.dot"));
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  EXPECT_NE(dot.find("cluster_"), std::string::npos);
}

// inspect --plan lays a plan over the model: every tensor the plan sends,
// with the encoding the plan file chose, in the JSON, the text and the dot.
TEST_F(Cli, InspectShowsAPlansCrossingTensorsAndEncodings) {
  const std::string model = "zoo:resnet18@32/8";
  auto cal = run_cli("calibrate " + model + " --source synthetic --frames 2 -o " + path("cal.json"));
  ASSERT_EQ(cal.rc, 0) << cal.err;
  auto plan = run_cli("plan " + model + " --calibration " + path("cal.json") +
                      " --bandwidth 1Gbps --algo cloud-only -o " + path("plan.json"));
  ASSERT_EQ(plan.rc, 0) << plan.err;
  const auto file = nlohmann::json::parse(testing::slurp(path("plan.json")));
  const auto& p = file["plans"][0];
  ASSERT_FALSE(p["cut_value_names"].empty());
  auto r = run_cli("inspect " + model + " --json --plan " + path("plan.json") + " --dot " + path("p.dot"));
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto sends = nlohmann::json::parse(r.out)["plan"]["sends"];
  ASSERT_EQ(sends.size(), p["cut_value_names"].size());
  const std::string dot = testing::slurp(path("p.dot"));
  auto text = run_cli("inspect " + model + " --plan " + path("plan.json"));
  ASSERT_EQ(text.rc, 0) << text.err;
  for (size_t i = 0; i < sends.size(); ++i) {
    const std::string name = p["cut_value_names"][i], enc = p["cut_encodings"][i];
    EXPECT_EQ(sends[i]["name"], name);
    EXPECT_EQ(sends[i]["encoding"], enc);
    EXPECT_NE(dot.find(name + " as " + enc), std::string::npos) << dot;
    EXPECT_NE(text.out.find("encoded as " + enc), std::string::npos) << text.out;
  }
  EXPECT_NE(dot.find("#d62728"), std::string::npos);  // the crossing edges are drawn red
  expect_clear_error(run_cli("inspect " + model + " --plan " + path("plan.json") + " --index 7"),
                     "--index 7");
  expect_clear_error(run_cli("inspect zoo:resnet18@64 --plan " + path("plan.json")), "plan.json");
}

TEST_F(Cli, PlanJsonContractAndAllAlgorithmsAgreeWhereExact) {
  auto r = run_cli("plan zoo:googlenet@96 --bandwidth 20Mbps --rtt 10ms --algo all --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["plans"].is_array());
  std::map<std::string, double> total;
  for (const auto& p : j["plans"]) {
    for (const char* key : {"algo", "bandwidth_bps", "edge_nodes", "cut_values", "predicted", "solve_us"}) {
      ASSERT_TRUE(p.contains(key)) << key;
    }
    for (const char* key : {"edge_ms", "transfer_ms", "cloud_ms", "total_ms"}) {
      ASSERT_TRUE(p["predicted"].contains(key)) << key;
    }
    EXPECT_DOUBLE_EQ(p["bandwidth_bps"].get<double>(), 20e6);
    if (p["valid"].get<bool>()) total[p["algo"]] = p["predicted"]["total_ms"];
  }
  EXPECT_DOUBLE_EQ(total["qdmp"], total["dads-fixed"]);
  for (const auto& [algo, t] : total) EXPECT_LE(total["qdmp"], t + 1e-9) << algo;
}

TEST_F(Cli, SweepWritesSvgAndEnvelope) {
  auto r = run_cli("plan zoo:resnet18@64 --sweep 0.1Mbps:1Gbps --points 8 --algo all --envelope --svg " +
                   path("s.svg"));
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("bandwidth envelope"), std::string::npos);
  std::string svg = testing::slurp(path("s.svg"));
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("polyline"), std::string::npos);
  // Where qdmp's plan changes along the sweep, a dashed marker names it.
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("edge nodes"), std::string::npos);
}

TEST_F(Cli, ProfileEstimateRoundTripsIntoPlan) {
  ASSERT_EQ(run_cli("profile zoo:resnet18@64 --estimate --gflops 10 --device edge -o " + path("e.json")).rc,
            0);
  ASSERT_EQ(run_cli("profile zoo:resnet18@64 --estimate --gflops 500 --device cloud -o " + path("c.json")).rc,
            0);
  auto r = run_cli("plan zoo:resnet18@64 --edge-profile " + path("e.json") + " --cloud-profile " +
                   path("c.json") + " -b 5Mbps --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NE(j["costs"].get<std::string>().find("e.json"), std::string::npos);
}

TEST_F(Cli, BadBandwidthsAndUnits) {
  for (const char* bw : {"0Mbps", "-3Mbps", "0", "10parsecs", "fast"}) {
    expect_clear_error(run_cli(std::string("plan zoo:resnet18@64 -b ") + bw), "bandwidth");
  }
  expect_clear_error(run_cli("plan zoo:resnet18@64 --rtt 20"), "rtt");
  expect_clear_error(run_cli("plan zoo:resnet18@64 --sweep 1Gbps:1Mbps"), "sweep");
  expect_clear_error(run_cli("plan zoo:resnet18@64 --algo magic"), "magic");
  expect_clear_error(run_cli("plan zoo:resnet18@64 --algo brute"), "brute");
}

TEST_F(Cli, BadModels) {
  expect_clear_error(run_cli("inspect " + path("missing.onnx")), "missing.onnx");
  std::ofstream(path("junk.onnx")) << "this is not a model at all";
  expect_clear_error(run_cli("inspect " + path("junk.onnx")), "junk.onnx");
  ASSERT_EQ(run_cli("zoo resnet18 --image-size 64 -o " + path("r18.onnx")).rc, 0);
  std::string bytes = testing::slurp(path("r18.onnx"));
  std::ofstream(path("cut.onnx"), std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  expect_clear_error(run_cli("plan " + path("cut.onnx")), "cut.onnx");
  expect_clear_error(run_cli("inspect zoo:nosuchnet"), "nosuchnet");
}

TEST_F(Cli, ProfileForAnotherModelIsRefused) {
  ASSERT_EQ(run_cli("profile zoo:resnet18@64 --estimate --gflops 10 -o " + path("r18.json")).rc, 0);
  auto r = run_cli("plan zoo:resnet50@64 --edge-profile " + path("r18.json"));
  expect_clear_error(r, "r18.json");
  EXPECT_NE(r.err.find("resnet18"), std::string::npos) << r.err;
  std::ofstream(path("broken.json")) << "{\"format\": \"edgecut-profile\", \"version\": 1, \"nodes\": [";
  expect_clear_error(run_cli("plan zoo:resnet18@64 --edge-profile " + path("broken.json")), "broken.json");
  expect_clear_error(run_cli("profile zoo:resnet18@64 --estimate --gflops -1 -o " + path("x.json")),
                     "gflops");
}

}  // namespace
}  // namespace edgecut
