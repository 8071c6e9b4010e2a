// Exactness of split execution: for random valid plans, head then tail on
// OpenCV DNN reproduces the whole model's output bit for bit; the whole model
// matches torch's reference output (torchvision exports, ctest fixture
// export_torchvision) within 1e-4 relative.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "engine/engine.h"
#include "engine_test_util.h"
#include "fixtures.h"
#include "test_paths.h"
#include "zoo/zoo.h"

namespace edgecut::engine::testing {
namespace {

struct Summary {
  int plans = 0;
  int identical = 0;
  int max_crossing = 0;
  float worst_diff = 0;
};

// Runs `plans` random closed plans (half of each generator mode) and checks
// each against `whole` bit for bit. A fresh executor per plan: the cache keeps
// every prepared segment's weights, 40 segments of resnet50 would hold ~4 GB.
Summary check_plans(const graph::Model& m, const std::vector<Tensor>& inputs,
                    const std::vector<Tensor>& whole, uint32_t seed, int plans) {
  const Graph& g = m.graph;
  Summary s;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < plans; ++i) {
    std::vector<NodeId> edge = random_closed_set(g, rng, i % 2);
    EXPECT_TRUE(check_predecessor_closed(g, edge).is_ok());
    auto exec = make_executor(m, "opencv", 2);
    EXPECT_TRUE(exec);
    if (!exec) continue;
    SplitRun r = run_split(**exec, g, edge, inputs);
    EXPECT_TRUE(r.status.is_ok()) << g.name << " plan " << i << ": " << r.status.message();
    if (!r.status.is_ok()) continue;
    ++s.plans;
    s.max_crossing = std::max(s.max_crossing, r.crossing);
    bool same = r.outputs.size() == whole.size();
    for (size_t k = 0; same && k < whole.size(); ++k) {
      s.worst_diff = std::max(s.worst_diff, static_cast<float>(exec::max_abs_diff(r.outputs[k], whole[k])));
      same = bit_identical(r.outputs[k], whole[k]);
    }
    s.identical += same;
    EXPECT_TRUE(same) << g.name << " plan " << i << " (" << edge.size() << " edge nodes, " << r.crossing
                      << " crossing tensors): head+tail differs from the whole model";
  }
  return s;
}

class TorchvisionExactness : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchvisionExactness, WholeMatchesTorchAndSplitsAreBitExact) {
  const std::string name = GetParam();
  const std::filesystem::path dir = edgecut::testing::fixtures_dir();
  const std::string onnx_path = (dir / (name + ".onnx")).string();
  if (auto why = edgecut::testing::torchvision_missing(name)) GTEST_SKIP() << *why;
  auto t0 = std::chrono::steady_clock::now();
  auto model = graph::load_model(onnx_path);
  ASSERT_TRUE(model) << model.status().message();
  const Graph& g = model->graph;
  auto exec = make_executor(*model, "opencv", 2);
  ASSERT_TRUE(exec) << exec.status().message();

  std::vector<float> x, ref;
  ASSERT_TRUE(read_floats((dir / (name + ".input.bin")).string(), &x));
  ASSERT_TRUE(read_floats((dir / (name + ".output.bin")).string(), &ref));
  ASSERT_EQ(g.inputs.size(), 1u);
  std::vector<Tensor> inputs = {
      *Tensor::from_floats(g.values[g.inputs[0]].name, g.values[g.inputs[0]].shape, x)};

  auto whole_id = (*exec)->prepare(all_nodes(g));
  ASSERT_TRUE(whole_id) << whole_id.status().message();
  std::vector<Tensor> whole;
  ASSERT_TRUE((*exec)->run(*whole_id, inputs, &whole).is_ok());
  ASSERT_EQ(whole.size(), 1u);
  float ref_max = 0;
  for (float f : ref) ref_max = std::max(ref_max, std::fabs(f));
  const float rel = max_abs_diff_to(whole[0], ref) / ref_max;
  EXPECT_LE(rel, 1e-4f) << name << ": OpenCV vs torch, max abs diff / max abs ref";

  Summary s = check_plans(*model, inputs, whole, 1234, sweep_plans(name));
  if (name == "googlenet" || name == "densenet121") {
    EXPECT_GE(s.max_crossing, 3) << "no plan cut through an inception / dense block";
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "[ exact    ] %s: %d nodes, vs torch rel %.2e; %d/%d plans bit-identical, max %d crossing "
      "tensors, worst diff %g (%.1f s)\n",
      name.c_str(), g.num_nodes(), rel, s.identical, s.plans, s.max_crossing, s.worst_diff, secs);
}

INSTANTIATE_TEST_SUITE_P(Engine, TorchvisionExactness,
                         ::testing::Values("resnet50", "googlenet", "densenet121", "mobilenet_v2"));

struct ZooCase {
  std::string name;
  int image_size;
};

void PrintTo(const ZooCase& c, std::ostream* os) { *os << "zoo:" << c.name << "@" << c.image_size; }

class ZooExactness : public ::testing::TestWithParam<ZooCase> {};

TEST_P(ZooExactness, SplitsAreBitExact) {
  const ZooCase c = GetParam();
  auto t0 = std::chrono::steady_clock::now();
  zoo::Options o;
  o.image_size = c.image_size;
  o.width_divisor = 4;  // same topology, a fraction of the compute
  auto proto = zoo::build(c.name, o);
  ASSERT_TRUE(proto) << proto.status().message();
  auto model = graph::import_model(std::move(*proto), "zoo:" + c.name);
  ASSERT_TRUE(model) << model.status().message();
  const Graph& g = model->graph;
  auto exec = make_executor(*model, "opencv", 2);
  ASSERT_TRUE(exec) << exec.status().message();
  std::vector<Tensor> inputs = random_inputs(g, 7);
  auto whole_id = (*exec)->prepare(all_nodes(g));
  ASSERT_TRUE(whole_id) << c.name << " (zoo models must run on OpenCV): " << whole_id.status().message();
  std::vector<Tensor> whole;
  ASSERT_TRUE((*exec)->run(*whole_id, inputs, &whole).is_ok());
  Summary s = check_plans(*model, inputs, whole, 99, sweep_plans(c.name));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "[ exact    ] zoo:%s@%d: %d nodes; %d/%d plans bit-identical, max %d crossing tensors (%.1f s)\n",
      c.name.c_str(), c.image_size, g.num_nodes(), s.identical, s.plans, s.max_crossing, secs);
}

std::vector<ZooCase> zoo_cases() {
  std::vector<ZooCase> cases;
  for (const auto& n : zoo::model_names()) cases.push_back({n, 64});
  for (const char* n : {"random1", "random2", "random3"}) cases.push_back({n, 32});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Engine, ZooExactness, ::testing::ValuesIn(zoo_cases()),
                         [](const ::testing::TestParamInfo<ZooCase>& info) { return info.param.name; });

}  // namespace
}  // namespace edgecut::engine::testing
