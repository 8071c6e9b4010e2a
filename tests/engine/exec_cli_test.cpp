// `edgecut exec` end to end through the binary (test_paths.h): a real split
// run, and every bad input ending in a clear error with exit code 1 or 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "engine_test_util.h"
#include "run_cli.h"
#include "zoo/zoo.h"

namespace edgecut::engine::testing {
namespace {

namespace fs = std::filesystem;

using edgecut::testing::CliResult;
using edgecut::testing::run_cli_merged;

class ExecCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("edgecut_exec_test_{}", ::getpid());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  graph::Model zoo(const std::string& spec_name, int size) {
    zoo::Options o;
    o.image_size = size;
    auto proto = zoo::build(spec_name, o);
    EXPECT_TRUE(proto);
    auto m = graph::import_model(std::move(*proto), fmt::format("zoo:{}@{}", spec_name, size));
    EXPECT_TRUE(m) << m.status().message();
    return std::move(*m);
  }

  std::string write_plan(const Graph& g, const std::vector<NodeId>& edge, const std::string& file,
                         const std::string& hash = "") {
    nlohmann::json names = nlohmann::json::array();
    for (NodeId v : edge) names.push_back(g.nodes[v].name);
    nlohmann::json j = {{"model", g.name},
                        {"model_hash", hash.empty() ? g.structure_hash() : hash},
                        {"plans", {{{"algo", "test"}, {"edge_nodes", edge}, {"edge_node_names", names}}}}};
    std::string path = (dir_ / file).string();
    std::ofstream(path) << j.dump();
    return path;
  }

  fs::path dir_;
};

TEST_F(ExecCli, SplitThroughInceptionBlockIsBitIdentical) {
  graph::Model m = zoo("googlenet", 64);
  const Graph& g = m.graph;
  std::mt19937_64 rng(5);
  std::vector<NodeId> edge;
  int crossing = 0;
  for (int tries = 0; tries < 200 && crossing < 3; ++tries) {  // a cut with several crossing tensors
    edge = random_closed_set(g, rng, 1);
    crossing = static_cast<int>(describe_segment(g, complement(g, edge)).inputs.size());
  }
  ASSERT_GE(crossing, 3);
  std::string plan = write_plan(g, edge, "plan.json");
  CliResult r =
      run_cli_merged(fmt::format("exec zoo:googlenet@64 --engine opencv --plan {} --repeat 2 --json", plan));
  ASSERT_EQ(r.rc, 0) << r.out;
  auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  EXPECT_TRUE(j["bit_identical"].get<bool>()) << r.out;
  EXPECT_EQ(static_cast<int>(j["crossed"].size()), crossing);
  EXPECT_GT(j["crossed_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(j["edge_nodes"].get<size_t>(), edge.size());

  // The default engine in its exact mode (ORT: --ort-opt-level disable; OpenCV ignores it).
  r = run_cli_merged(
      fmt::format("exec zoo:googlenet@64 --plan {} --repeat 1 --threads 2 --ort-opt-level disable", plan));
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("bit-identical"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("crossed: " + std::to_string(crossing) + " tensor(s)"), std::string::npos) << r.out;
}

TEST_F(ExecCli, ReadsPlansWrittenByPlanCommand) {
  std::string plan = (dir_ / "p.json").string();
  CliResult r = run_cli_merged(fmt::format("plan zoo:resnet18@32 --algo all -o {}", plan));
  ASSERT_EQ(r.rc, 0) << r.out;
  r = run_cli_merged(fmt::format("exec zoo:resnet18@32 --plan {} --algo cloud-only --repeat 1", plan));
  ASSERT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("bit-identical"), std::string::npos) << r.out;
  r = run_cli_merged(fmt::format("exec zoo:resnet18@32 --plan {} --algo no-such-algo", plan));
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("no plan with algo 'no-such-algo'"), std::string::npos) << r.out;
}

TEST_F(ExecCli, PlanForAnotherModel) {
  graph::Model other = zoo("resnet18", 32);
  std::string plan = write_plan(other.graph, {0, 1}, "other.json");
  CliResult r = run_cli_merged(fmt::format("exec zoo:googlenet@64 --plan {}", plan));
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("plan is for model"), std::string::npos) << r.out;
}

TEST_F(ExecCli, PlanNotPredecessorClosed) {
  graph::Model m = zoo("googlenet", 64);
  const Graph& g = m.graph;
  NodeId second = g.topo[1];
  std::string plan = write_plan(g, {second}, "open.json");
  CliResult r = run_cli_merged(fmt::format("exec zoo:googlenet@64 --plan {}", plan));
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("closed under predecessors"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(g.nodes[g.topo[0]].name), std::string::npos) << r.out;
  // Ids out of range, and a file that is no plan.
  plan = write_plan(g, {g.num_nodes() + 5}, "range.json");
  r = run_cli_merged(fmt::format("exec zoo:googlenet@64 --plan {}", plan));
  EXPECT_EQ(r.rc, 2) << r.out;
  EXPECT_NE(r.out.find("out of range"), std::string::npos) << r.out;
  std::ofstream(dir_ / "junk.json") << "[1, 2";
  r = run_cli_merged(fmt::format("exec zoo:googlenet@64 --plan {}", (dir_ / "junk.json").string()));
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("error:"), std::string::npos) << r.out;
}

TEST_F(ExecCli, InputOfWrongSizeOrDtype) {
  graph::Model m = zoo("resnet18", 32);
  std::string plan = write_plan(m.graph, {0}, "p.json");
  const int64_t want = m.graph.values[m.graph.inputs[0]].bytes;
  for (int64_t bytes : {int64_t{100}, want * 2, want + 2}) {
    std::string in = (dir_ / "in.bin").string();
    std::ofstream(in, std::ios::binary) << std::string(static_cast<size_t>(bytes), '\0');
    CliResult r = run_cli_merged(fmt::format("exec zoo:resnet18@32 --plan {} --input {}", plan, in));
    EXPECT_EQ(r.rc, 2) << r.out;
    EXPECT_NE(r.out.find("bytes, but input 'input' is 1x3x32x32 float32"), std::string::npos) << r.out;
  }
  std::string in = (dir_ / "ok.bin").string();
  std::ofstream(in, std::ios::binary) << std::string(static_cast<size_t>(want), '\0');
  CliResult r = run_cli_merged(fmt::format("exec zoo:resnet18@32 --plan {} --input {} --repeat 1", plan, in));
  EXPECT_EQ(r.rc, 0) << r.out;
  r = run_cli_merged(
      fmt::format("exec zoo:resnet18@32 --plan {} --input {}", plan, (dir_ / "missing.bin").string()));
  EXPECT_EQ(r.rc, 1) << r.out;
}

TEST_F(ExecCli, ModelWithAnOpOpenCvLacks) {
  // x -> Relu -> Einsum, written with the protobuf API as a user's file would be.
  onnx::ModelProto m = einsum_model();
  std::string model_path = (dir_ / "einsum_net.onnx").string();
  ASSERT_TRUE(zoo::write_model(m, model_path).is_ok());
  auto imported = graph::load_model(model_path);
  ASSERT_TRUE(imported) << imported.status().message();
  std::string plan = write_plan(imported->graph, {0}, "p.json");
  CliResult r = run_cli_merged(fmt::format("exec {} --engine opencv --plan {}", model_path, plan));
  EXPECT_EQ(r.rc, 1) << r.out;
  EXPECT_NE(r.out.find("transpose_by_einsum"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Einsum"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("[ERROR"), std::string::npos) << "OpenCV's own log leaked: " << r.out;
  if (!engine::has_engine("ort")) return;
  r = run_cli_merged(fmt::format("exec {} --engine ort --plan {}", model_path, plan));  // ORT has Einsum
  EXPECT_EQ(r.rc, 0) << r.out;
  EXPECT_NE(r.out.find("bit-identical"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace edgecut::engine::testing
