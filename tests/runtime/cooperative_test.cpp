// Cooperative inference across processes, over real sockets on loopback:
// `edgecut serve` and `edgecut run` as separate processes. For edge-only,
// cloud-only and random interior plans (several tensors crossing inside
// inception / dense blocks), every frame's outputs equal, bit for bit, the
// same plan run in this process and the whole model run here (OpenCV's splits
// are exact: engine/engine.h exact_splits; both sides run --engine opencv,
// whose splits are bit-exact with the whole model). And a server killed mid-stream
// loses no frame: the client finishes them on the edge.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "../engine/engine_test_util.h"
#include "codec/codec.h"
#include "common/subprocess.h"
#include "cross_process.h"
#include "engine/engine.h"
#include "exec/split_run.h"
#include "graph/segment.h"
#include "ort_skip.h"
#include "runtime/preprocess.h"
#include "runtime/run_loop.h"
#include "runtime/source.h"
#include "zoo/zoo.h"

namespace edgecut::runtime {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class CrossProcess : public ::testing::TestWithParam<std::string> {};

TEST_P(CrossProcess, EveryFrameBitExactWithTheSamePlanInOneProcessAndTheWholeModel) {
  const std::string name = GetParam();
  const std::string spec = fmt::format("zoo:{}@64/4", name);
  graph::Model m = edgecut::testing::zoo_model(name, 64, 4);
  const graph::Graph& g = m.graph;
  const std::string dir = temp_dir(name);
  Server server = start_server(spec, dir);
  ASSERT_FALSE(server.address.empty());

  std::vector<std::vector<graph::NodeId>> plans = {graph::all_nodes(g), {}};
  std::mt19937_64 rng(11);
  int max_crossing = 0;
  while (plans.size() < 6) {
    auto edge = engine::testing::random_closed_set(g, rng, 1);
    const int crossing = static_cast<int>(graph::crossings(g, graph::node_mask(g, edge)).up.size());
    if (plans.size() < 4 && crossing < 3) continue;  // two plans cut through a block, 3+ tensors
    max_crossing = std::max(max_crossing, crossing);
    plans.push_back(edge);
  }
  EXPECT_GE(max_crossing, 3);
  constexpr int kFrames = 3;
  for (size_t i = 0; i < plans.size(); ++i) {
    const std::string plan = write_plan(fmt::format("{}/plan{}.json", dir, i), g, plans[i]);
    const std::string log = fmt::format("{}/run{}.jsonl", dir, i);
    auto run = spawn_run(spec, server.address, plan, kFrames, log, {"-q"});
    ASSERT_TRUE(run) << run.status().message();
    auto st = run->wait_for(120s);
    ASSERT_TRUE(st && st->success()) << "edgecut run failed; see " << log << ".err";
    const auto lines = read_lines(log);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kFrames));
    const Expected2 want = local_digests(m, plans[i], kFrames);
    for (int f = 0; f < kFrames; ++f) {
      EXPECT_FALSE(lines[f]["fallback"].get<bool>()) << lines[f]["note"];
      EXPECT_EQ(lines[f]["edge_nodes"].get<size_t>(), plans[i].size());
      EXPECT_EQ(lines[f]["outputs_digest"], want.split[f]) << name << " plan " << i << " frame " << f;
      EXPECT_EQ(lines[f]["outputs_digest"], want.whole[f]) << name << " plan " << i << " frame " << f;
    }
  }
  EXPECT_EQ(server.proc.terminate().code, 0) << "SIGTERM should end the server cleanly";
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Models, CrossProcess, ::testing::Values("googlenet", "densenet121"));

// ONNX Runtime across processes: a split run by an edge process and a server
// process gives the same bits as the same split run here (a given split is
// deterministic on ORT; how far a split is from the whole model is
// tests/engine/ort_exactness_test.cpp's question).
TEST(CrossProcess, OrtSplitsAreBitExactAcrossProcesses) {
  if (auto why = edgecut::testing::ort_missing()) GTEST_SKIP() << *why;
  const std::string spec = "zoo:googlenet@64/4";
  graph::Model m = edgecut::testing::zoo_model("googlenet", 64, 4);
  const std::string dir = temp_dir("ort");
  Server server = start_server(spec, dir, "127.0.0.1:0", {}, {}, "ort");
  ASSERT_FALSE(server.address.empty());
  std::vector<std::vector<graph::NodeId>> plans = {{}};
  std::mt19937_64 rng(23);
  while (plans.size() < 3) {
    auto edge = engine::testing::random_closed_set(m.graph, rng, 1);
    if (graph::crossings(m.graph, graph::node_mask(m.graph, edge)).up.size() >= 2) plans.push_back(edge);
  }
  constexpr int kFrames = 2;
  for (size_t i = 0; i < plans.size(); ++i) {
    const std::string plan = write_plan(fmt::format("{}/plan{}.json", dir, i), m.graph, plans[i]);
    const std::string log = fmt::format("{}/run{}.jsonl", dir, i);
    auto run = spawn_run(spec, server.address, plan, kFrames, log, {"-q", "--threads", "1"}, {}, "ort");
    ASSERT_TRUE(run) << run.status().message();
    auto st = run->wait_for(120s);
    ASSERT_TRUE(st && st->success()) << "edgecut run failed; see " << log << ".err";
    const auto lines = read_lines(log);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kFrames));
    const Expected2 want = local_digests(m, plans[i], kFrames, "ort");
    for (int f = 0; f < kFrames; ++f) {
      EXPECT_FALSE(lines[f]["fallback"].get<bool>()) << lines[f]["note"];
      EXPECT_EQ(lines[f]["outputs_digest"], want.split[f]) << "plan " << i << " frame " << f;
    }
  }
  EXPECT_EQ(server.proc.terminate().code, 0);
  fs::remove_all(dir);
}

// `mode`: "latency" (one frame at a time) or "stream" (pipelined, run --mode stream).
void kill_server_mid_stream(const std::string& mode) {
  const std::string spec = "zoo:googlenet@64/4";
  graph::Model m = edgecut::testing::zoo_model("googlenet", 64, 4);
  const std::string dir = temp_dir("kill");
  Server server = start_server(spec, dir);
  ASSERT_FALSE(server.address.empty());
  const std::string plan = write_plan(dir + "/cloud.json", m.graph, {});
  const std::string log = dir + "/run.jsonl";
  constexpr int kFrames = 40;
  auto run = spawn_run(spec, server.address, plan, kFrames, log, {"--fps", "20", "--json", "--mode", mode});
  ASSERT_TRUE(run);
  for (int i = 0; i < 300 && read_lines(log).size() < 10; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_GE(read_lines(log).size(), 10u) << "client did not get going; see " << dir;
  ASSERT_EQ(kill(server.proc.pid(), SIGKILL), 0);
  auto st = run->wait_for(120s);
  ASSERT_TRUE(st && st->success()) << "see " << log << ".err";
  const auto lines = read_lines(log);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kFrames)) << "every frame is answered";
  const Expected2 want = local_digests(m, {}, kFrames);
  int fallbacks = 0;
  for (int f = 0; f < kFrames; ++f) {
    EXPECT_EQ(lines[f]["frame"].get<int>(), f) << "in order, none duplicated";
    EXPECT_EQ(lines[f]["outputs_digest"], want.whole[f]) << "frame " << f;
    fallbacks += lines[f]["fallback"].get<bool>();
  }
  EXPECT_GT(fallbacks, 0) << "frames after the kill must be finished on the edge";
  std::ifstream sf(log + ".out");  // --json: the summary
  const auto summary = nlohmann::json::parse(sf);
  EXPECT_EQ(summary["frames"].get<int>(), kFrames);
  EXPECT_EQ(summary["fallbacks"].get<int>(), fallbacks);
  if (mode == "stream") {
    EXPECT_TRUE(summary["stream"].get<bool>());
    EXPECT_GT(summary["bound_fps"].get<double>(), 0);
    for (const auto& l : lines) {
      ASSERT_TRUE(l.contains("stream")) << "per-frame stage times and queue lengths";
      EXPECT_LE(l["stream"]["window"].get<int>(), 5) << "bounded: queue 2 + in flight 2 + 1";
    }
  }
  std::printf("%s: server killed after frame ~10: %d of %d frames finished on the edge, none lost\n",
              mode.c_str(), fallbacks, kFrames);
  fs::remove_all(dir);
}

TEST(CrossProcess, ServerKilledMidStreamLosesNoFrame) { kill_server_mid_stream("latency"); }

// Pipelined: frames in flight when the server dies come back to the edge and
// are finished there, still in order, bit-exact.
TEST(CrossProcess, StreamModeServerKilledLosesNoFrameAndKeepsOrder) { kill_server_mid_stream("stream"); }
// Here: the head, then each planned tensor encoded and decoded, then the tail;
// the digest of the outputs of synthetic frame f.
std::string encoded_digest(exec::Executor& ex, const graph::Graph& g, const exec::SplitPlan& split,
                           const std::vector<std::pair<graph::ValueId, std::string>>& enc, int f) {
  auto x = preprocess(synthetic_frame(f), g.values[g.inputs[0]]);
  EXPECT_TRUE(x);
  std::vector<exec::Tensor> pool{*x};
  std::vector<exec::Tensor> outs;
  if (split.head >= 0) {
    EXPECT_TRUE(ex.run(split.head, pool, &outs).is_ok());
  }
  for (auto& t : outs) pool.push_back(std::move(t));
  for (auto& t : pool) {
    for (const auto& [v, e] : enc) {
      if (g.values[v].name != t.name()) continue;
      auto coded = codec::encode(t, *codec::parse_encoding(e));
      EXPECT_TRUE(coded);
      t = *codec::decode(*coded);
    }
  }
  outs.clear();
  EXPECT_TRUE(ex.run(split.tail, pool, &outs).is_ok());
  return outputs_digest(*exec::pick(g, g.outputs, outs));
}

// Encoded plans across processes: the edge sends each crossing tensor as the
// plan file says (int8+zstd, fp16, the frame as uint8+lz4), the server decodes
// it, and every frame's outputs equal, bit for bit, the same head, encode /
// decode and tail run here; the frame log states the encodings and the bytes.
TEST(CrossProcess, EncodedPlansSendWhatThePlanSaysAndMatchTheLocalRun) {
  const std::string spec = "zoo:googlenet@64/4";
  graph::Model m = edgecut::testing::zoo_model("googlenet", 64, 4);
  const graph::Graph& g = m.graph;
  const std::string dir = temp_dir("enc");
  Server server = start_server(spec, dir);
  ASSERT_FALSE(server.address.empty());
  std::mt19937_64 rng(17);
  std::vector<graph::NodeId> edge;
  std::vector<graph::ValueId> up;
  do {
    edge = engine::testing::random_closed_set(g, rng, 1);
    up = graph::crossings(g, graph::node_mask(g, edge)).up;
  } while (up.size() < 2);
  const std::vector<
      std::pair<std::vector<graph::NodeId>, std::vector<std::pair<graph::ValueId, std::string>>>>
      plans = {{edge, {{up[0], "int8+zstd"}, {up[1], "fp16"}}}, {{}, {{g.inputs[0], "uint8+lz4"}}}};
  auto ex = engine::make_executor(m, "opencv", 1);
  ASSERT_TRUE(ex);
  constexpr int kFrames = 2;
  for (size_t i = 0; i < plans.size(); ++i) {
    const auto& [nodes, enc] = plans[i];
    nlohmann::json names = nlohmann::json::array(), encs = nlohmann::json::array();
    for (const auto& [x, e] : enc) {
      names.push_back(g.values[x].name);
      encs.push_back(e);
    }
    const std::string plan = fmt::format("{}/plan{}.json", dir, i);
    std::ofstream(plan) << nlohmann::json{{"model", g.name},
                                          {"model_hash", g.structure_hash()},
                                          {"plans",
                                           {{{"algo", "test"},
                                             {"edge_nodes", nodes},
                                             {"cut_value_names", names},
                                             {"cut_encodings", encs}}}}}
                               .dump();
    const std::string log = fmt::format("{}/run{}.jsonl", dir, i);
    auto run = spawn_run(spec, server.address, plan, kFrames, log, {"-q"});
    ASSERT_TRUE(run) << run.status().message();
    auto st = run->wait_for(120s);
    ASSERT_TRUE(st && st->success()) << "edgecut run failed; see " << log << ".err";
    const auto lines = read_lines(log);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kFrames));
    auto split = exec::prepare_split(**ex, g, nodes);
    ASSERT_TRUE(split) << split.status().message();
    for (int f = 0; f < kFrames; ++f) {
      const std::string want = encoded_digest(**ex, g, *split, enc, f);
      const auto& l = lines[f];
      EXPECT_FALSE(l["fallback"].get<bool>()) << l["note"];
      EXPECT_EQ(l["outputs_digest"], want) << "plan " << i << " frame " << f;
      EXPECT_LT(l["up_bytes"].get<int64_t>(), l["up_raw_bytes"].get<int64_t>()) << "plan " << i;
      const auto sent = l["encodings"].get<std::vector<std::string>>();
      for (const auto& [v, e] : enc) {
        EXPECT_NE(std::find(sent.begin(), sent.end(), e), sent.end()) << e;
      }
    }
  }
  EXPECT_EQ(server.proc.terminate().code, 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace edgecut::runtime
