// export-tails: the exported model.onnx of an interior tail loads on its own
// and computes what the tail computes in the split run; config.pbtxt names
// its inputs and outputs with their shapes.
#include "runtime/tail_export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "../engine/engine_test_util.h"
#include "engine/engine.h"
#include "exec/split_run.h"
#include "net/tail_name.h"
#include "zoo/zoo.h"
#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

TEST(TailExport, ExportedTailRunsAloneAndMatchesTheSplitRun) {
  const graph::Model m = edgecut::testing::zoo_model("googlenet", 64, 4);
  const graph::Graph& g = m.graph;
  std::mt19937_64 rng(3);
  std::vector<graph::NodeId> edge;
  do {
    edge = engine::testing::random_closed_set(g, rng, 1);
  } while (graph::crossings(g, graph::node_mask(g, edge)).up.size() < 2);
  const std::string repo =
      (std::filesystem::temp_directory_path() / fmt::format("ec-repo-{}", getpid())).string();
  auto tails = export_tails(m, "googlenet", {edge, graph::all_nodes(g), {}}, repo);
  ASSERT_TRUE(tails) << tails.status().message();
  ASSERT_EQ(tails->size(), 2u) << "the whole model (once) and the tail; edge-only exports nothing";
  const std::string name = net::tail_model_name("googlenet", edge);
  EXPECT_EQ((*tails)[0].name, "googlenet");
  EXPECT_EQ((*tails)[1].name, name);
  std::ifstream cfg(repo + "/" + name + "/config.pbtxt");
  const std::string text((std::istreambuf_iterator<char>(cfg)), {});
  EXPECT_NE(text.find("name: \"" + name + "\""), std::string::npos) << text;
  EXPECT_NE(text.find("platform: \"onnxruntime_onnx\""), std::string::npos);

  // The split run here, and the exported tail fed the same crossing tensors.
  auto ex = engine::make_executor(m, "opencv", 1);
  auto plan = exec::prepare_split(**ex, g, edge);
  ASSERT_TRUE(plan);
  auto inputs = exec::random_tensors(g, g.inputs, 9);
  auto split = exec::run_split(**ex, g, *plan, *inputs);
  ASSERT_TRUE(split) << split.status().message();
  auto tail_model = graph::load_model(repo + "/" + name + "/1/model.onnx");
  ASSERT_TRUE(tail_model) << tail_model.status().message();
  auto tex = engine::make_executor(*tail_model, "opencv", 1);
  auto whole_tail = (*tex)->prepare(graph::all_nodes(tail_model->graph));
  ASSERT_TRUE(whole_tail) << whole_tail.status().message();
  std::vector<exec::Tensor> outs;
  ASSERT_TRUE((*tex)->run(*whole_tail, split->crossed, &outs).is_ok());
  ASSERT_EQ(outs.size(), split->outputs.size());
  for (size_t k = 0; k < outs.size(); ++k) EXPECT_TRUE(outs[k].bit_equal(split->outputs[k])) << k;
  std::filesystem::remove_all(repo);
}

// With encodings, the exported tail takes the encoded types (fp16, int8 +
// scale / zero point) and decodes them as ONNX ops; its config says so;
// coders ONNX cannot express are refused with an error that says so.
TEST(TailExport, EncodedTailTakesTheEncodedTypes) {
  const graph::Model m = edgecut::testing::zoo_model("googlenet", 64, 4);
  const graph::Graph& g = m.graph;
  std::mt19937_64 rng(5);
  std::vector<graph::NodeId> edge;
  std::vector<graph::ValueId> up;
  do {
    edge = engine::testing::random_closed_set(g, rng, 1);
    up = graph::crossings(g, graph::node_mask(g, edge)).up;
  } while (up.size() < 2);
  const std::string repo =
      (std::filesystem::temp_directory_path() / fmt::format("ec-repo-enc-{}", getpid())).string();
  PlanEncodings enc{{up[0], "fp16"}, {up[1], "int8"}};
  auto tails = export_tails(m, "googlenet", {edge, {}}, repo, {enc, {{g.inputs[0], "uint8"}}});
  ASSERT_TRUE(tails) << tails.status().message();
  ASSERT_EQ(tails->size(), 3u);  // the whole model, the tail, the whole model taking uint8
  const std::string name = net::tail_model_name("googlenet", edge) + ".enc-fp16-int8";
  EXPECT_EQ((*tails)[1].name, name);
  EXPECT_EQ((*tails)[2].name, "googlenet.enc-uint8");
  EXPECT_EQ((*tails)[1].inputs, static_cast<int>(up.size()) + 2);  // + scale, zero point
  std::ifstream cfg(repo + "/" + name + "/config.pbtxt");
  const std::string text((std::istreambuf_iterator<char>(cfg)), {});
  EXPECT_NE(text.find("TYPE_FP16"), std::string::npos) << text;
  EXPECT_NE(text.find("name: \"" + g.values[up[1]].name + "_zero_point\""), std::string::npos) << text;
  // ONNX shape inference (run by the importer) accepts the rewritten graphs.
  for (const auto& t : *tails) {
    if (t.name == "googlenet") continue;  // the plain whole model: fp32 in
    auto tail = graph::load_model(t.dir + "/1/model.onnx");
    ASSERT_TRUE(tail) << t.name << ": " << tail.status().message();
    int checked = 0;
    for (graph::ValueId x : tail->graph.inputs) {
      const auto& v = tail->graph.values[x];
      const graph::DType want = v.name == g.values[up[0]].name         ? graph::DType::kFloat16
                                : v.name == g.values[up[1]].name       ? graph::DType::kInt8
                                : v.name == g.values[g.inputs[0]].name ? graph::DType::kUInt8
                                                                       : graph::DType::kUnknown;
      if (want == graph::DType::kUnknown) continue;
      EXPECT_EQ(v.dtype, want) << t.name << " input " << v.name;
      ++checked;
    }
    EXPECT_EQ(checked, t.name == name ? 2 : 1) << t.name;
  }
  auto refused = export_tails(m, "googlenet", {edge}, repo, {{{up[0], "int8+zstd"}}});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.status().message().find("cannot be expressed in ONNX"), std::string::npos)
      << refused.status().message();
  std::filesystem::remove_all(repo);
}

}  // namespace
}  // namespace edgecut::runtime
