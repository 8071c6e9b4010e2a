// Exactness of split execution on ONNX Runtime (engine/ort/ort_executor.h
// states the guarantee): for sweep_plans() (20; 6, resnet50 4, under ASan)
// random valid plans per torchvision export,
//   - at ORT_ENABLE_ALL (the default) head then tail equals the whole model
//     within kOrtSplitTolerance of the output's largest magnitude;
//   - in the exact mode (ORT_DISABLE_ALL) every split is bit-exact (the first
//     kExactPlans of the same plans: sessions of resnet50-sized segments take
//     seconds to create, and the suite has a time budget);
//   - running the same split twice (fresh sessions) gives the same bits.
// The whole model matches torch's reference output within 1e-4 relative.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "engine/engine.h"
#include "engine_test_util.h"
#include "fixtures.h"
#include "ort_skip.h"

#ifdef EDGECUT_HAVE_ORT
#include "engine/ort/ort_executor.h"
#endif

namespace edgecut::engine::testing {
namespace {

#ifdef EDGECUT_HAVE_ORT         // without ORT the test below only skips
constexpr int kExactPlans = 6;  // exact mode, bit for bit (session creation dominates test time)
constexpr int kExactLevel = 0;  // ORT_DISABLE_ALL: the exact mode

struct OrtSummary {
  int plans = 0, identical = 0, max_crossing = 0;
  double worst_rel = 0;
};

double max_abs(const Tensor& t) {
  double m = 0;
  for (float f : t.as<float>()) m = std::max(m, static_cast<double>(std::fabs(f)));
  return m;
}

std::vector<Tensor> run_whole(const graph::Model& m, const EngineOptions& o, const std::vector<Tensor>& in) {
  auto ex = make_executor(m, "ort", o);
  EXPECT_TRUE(ex) << ex.status().message();
  if (!ex) return {};
  auto id = (*ex)->prepare(all_nodes(m.graph));
  EXPECT_TRUE(id) << id.status().message();
  std::vector<Tensor> out;
  if (id) {
    EXPECT_TRUE((*ex)->run(*id, in, &out).is_ok());
  }
  return out;
}

// `plans` random closed plans at `o` (the same sequence for a seed), each
// against `whole`: within `tol` relative (tol 0: bit for bit). One executor
// per plan (memory, as in the OpenCV test); with tol > 0 the first plan also
// runs again in fresh sessions and must give the same bits (determinism).
OrtSummary check_plans(const graph::Model& m, const EngineOptions& o, const std::vector<Tensor>& inputs,
                       const std::vector<Tensor>& whole, double tol, uint32_t seed, int plans) {
  const Graph& g = m.graph;
  OrtSummary s;
  std::mt19937_64 rng(seed);
  const double scale = max_abs(whole[0]);
  for (int i = 0; i < plans; ++i) {
    std::vector<NodeId> edge = random_closed_set(g, rng, i % 2);
    auto ex = make_executor(m, "ort", o);
    EXPECT_TRUE(ex) << ex.status().message();
    if (!ex) continue;
    SplitRun r = run_split(**ex, g, edge, inputs);
    EXPECT_TRUE(r.status.is_ok()) << g.name << " plan " << i << ": " << r.status.message();
    if (!r.status.is_ok()) continue;
    ++s.plans;
    s.max_crossing = std::max(s.max_crossing, r.crossing);
    bool same = r.outputs.size() == whole.size();
    double rel = 0;
    for (size_t k = 0; same && k < whole.size(); ++k) {
      rel = std::max(rel, exec::max_abs_diff(r.outputs[k], whole[k]) / scale);
      same = bit_identical(r.outputs[k], whole[k]);
    }
    s.worst_rel = std::max(s.worst_rel, rel);
    s.identical += same;
    if (tol == 0) {
      EXPECT_TRUE(same) << g.name << " plan " << i << " (" << r.crossing << " crossing): rel diff " << rel;
    } else {
      EXPECT_LE(rel, tol) << g.name << " plan " << i << " (" << r.crossing << " crossing tensors)";
    }
    if (i == 0 && tol > 0) {  // determinism: the same split in fresh sessions gives the same bits
      ex->reset();
      auto again = make_executor(m, "ort", o);
      EXPECT_TRUE(again);
      if (!again) continue;
      SplitRun r2 = run_split(**again, g, edge, inputs);
      EXPECT_TRUE(r2.status.is_ok() && r2.outputs.size() == r.outputs.size());
      for (size_t k = 0; k < r.outputs.size() && k < r2.outputs.size(); ++k)
        EXPECT_TRUE(bit_identical(r.outputs[k], r2.outputs[k])) << g.name << " plan " << i << " rerun";
    }
  }
  return s;
}
#endif

class OrtExactness : public ::testing::TestWithParam<std::string> {};

TEST_P(OrtExactness, SplitsWithinToleranceAndExactModeBitExact) {
  if (auto why = edgecut::testing::ort_missing()) GTEST_SKIP() << *why;
#ifdef EDGECUT_HAVE_ORT
  const std::string name = GetParam();
  if (auto why = edgecut::testing::torchvision_missing(name)) GTEST_SKIP() << *why;
  auto t0 = std::chrono::steady_clock::now();
  auto model = graph::load_model(edgecut::testing::torchvision_path(name));
  ASSERT_TRUE(model) << model.status().message();
  const Graph& g = model->graph;
  std::vector<float> x, ref;
  ASSERT_TRUE(read_floats(edgecut::testing::torchvision_path(name, ".input.bin"), &x));
  ASSERT_TRUE(read_floats(edgecut::testing::torchvision_path(name, ".output.bin"), &ref));
  ASSERT_EQ(g.inputs.size(), 1u);
  std::vector<Tensor> inputs = {
      *Tensor::from_floats(g.values[g.inputs[0]].name, g.values[g.inputs[0]].shape, x)};

  EngineOptions fast;
  fast.threads = 2;
  std::vector<Tensor> whole = run_whole(*model, fast, inputs);
  ASSERT_EQ(whole.size(), 1u);
  float ref_max = 0;
  for (float f : ref) ref_max = std::max(ref_max, std::fabs(f));
  const float vs_torch = max_abs_diff_to(whole[0], ref) / ref_max;
  EXPECT_LE(vs_torch, 1e-4f) << name << ": ORT vs torch, max abs diff / max abs ref";
  OrtSummary all = check_plans(*model, fast, inputs, whole, kOrtSplitTolerance, 1234, sweep_plans(name));

  EngineOptions exact = fast;
  exact.ort_opt_level = kExactLevel;
  std::vector<Tensor> whole_exact = run_whole(*model, exact, inputs);
  ASSERT_EQ(whole_exact.size(), 1u);
  OrtSummary ex =
      check_plans(*model, exact, inputs, whole_exact, 0, 1234, std::min(kExactPlans, sweep_plans(name) / 2));
  if (name == "googlenet" || name == "densenet121") {
    EXPECT_GE(all.max_crossing, 3) << "no plan cut through an inception / dense block";
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "[ ort exact] %s: vs torch rel %.2e; opt=all: %d/%d bit-identical, worst rel %.2e (bound %.0e); "
      "opt=disable: %d/%d bit-identical; max %d crossing (%.1f s)\n",
      name.c_str(), vs_torch, all.identical, all.plans, all.worst_rel, kOrtSplitTolerance, ex.identical,
      ex.plans, all.max_crossing, secs);
#endif
}

INSTANTIATE_TEST_SUITE_P(Engine, OrtExactness,
                         ::testing::Values("resnet50", "googlenet", "densenet121", "mobilenet_v2"));

}  // namespace
}  // namespace edgecut::engine::testing
