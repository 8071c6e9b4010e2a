// Split runs keep the task's output exactly: random interior plans of M-LSD
// (each sending >= 3 tensors, through its skip connections) and of BlazeFace,
// head then tail in ONNX Runtime's exact mode (ORT_DISABLE_ALL), give the
// whole model's outputs bit for bit and so the same decoded segments / faces,
// on a real frame.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/videoio.hpp>
#include <random>

#include "engine/engine.h"
#include "engine/shape_probe.h"
#include "exec/split_run.h"
#include "graph/segment.h"
#include "ort_skip.h"
#include "real_models.h"
#include "runtime/preprocess.h"
#include "task/decode.h"
#include "task/npm_models.h"

namespace edgecut::task {
namespace {

struct SplitCase {
  const char* model;
  const char* video;
  int frame;
  int min_crossing;
};

class SplitTask : public ::testing::TestWithParam<SplitCase> {};

TEST_P(SplitTask, InteriorPlansGiveTheWholeModelsDecodedOutput) {
  const SplitCase& c = GetParam();
  if (auto why = testing::ort_missing()) GTEST_SKIP() << *why;
  auto path = testing::real_model(c.model);
  if (!path) GTEST_SKIP() << path.status().message();
  auto proto = graph::read_model_file(*path, {});
  ASSERT_TRUE(proto);
  auto model = engine::import_resolving_shapes(std::move(*proto), *path, {});
  ASSERT_TRUE(model) << model.status().to_string();
  const graph::Graph& g = model->graph;
  const ModelCard card = *npm_model_card(c.model);
  auto dec = Decoder::make(card, *model);
  ASSERT_TRUE(dec);
  cv::VideoCapture cap(c.video);
  cv::Mat bgr;
  for (int i = 0; i <= c.frame; ++i) ASSERT_TRUE(cap.read(bgr)) << c.video;
  auto x = runtime::preprocess(bgr, g.values[g.inputs[0]], runtime::options_from(*card.preprocess));
  ASSERT_TRUE(x);
  engine::EngineOptions exact;
  exact.ort_opt_level = 0;  // ORT_DISABLE_ALL: no fusion across a cut
  auto whole_ex = engine::make_executor(*model, "ort", exact);
  ASSERT_TRUE(whole_ex);
  auto whole_plan = exec::prepare_split(**whole_ex, g, {});
  ASSERT_TRUE(whole_plan);
  auto whole = exec::run_split(**whole_ex, g, *whole_plan, {*x});
  ASSERT_TRUE(whole) << whole.status().to_string();
  auto want = dec->decode(whole->outputs);
  ASSERT_TRUE(want);
  const std::string want_json = output_to_json(*want).dump();

  std::mt19937_64 rng(20);
  int tried = 0, checked = 0, max_crossing = 0;
  while (checked < 4 && tried < 40) {
    ++tried;
    const int k = std::uniform_int_distribution<int>(1, g.num_nodes() - 1)(rng);
    std::vector<graph::NodeId> edge = graph::mask_nodes(graph::random_closed_set(g, rng, 0, k, false));
    auto ex = engine::make_executor(*model, "ort", exact);
    ASSERT_TRUE(ex);
    auto plan = exec::prepare_split(**ex, g, edge);
    ASSERT_TRUE(plan) << plan.status().to_string();
    auto r = exec::run_split(**ex, g, *plan, {*x});
    ASSERT_TRUE(r) << r.status().to_string();
    if (static_cast<int>(r->crossed.size()) < c.min_crossing) continue;
    ++checked;
    max_crossing = std::max(max_crossing, static_cast<int>(r->crossed.size()));
    ASSERT_EQ(r->outputs.size(), whole->outputs.size());
    for (size_t i = 0; i < r->outputs.size(); ++i) {
      EXPECT_TRUE(r->outputs[i].bit_equal(whole->outputs[i]))
          << c.model << ": plan with " << edge.size() << " edge nodes, " << r->crossed.size()
          << " crossing: output " << r->outputs[i].name() << " differs";
    }
    auto got = dec->decode(r->outputs);
    ASSERT_TRUE(got);
    EXPECT_EQ(output_to_json(*got).dump(), want_json) << c.model << ": decoded output differs";
  }
  EXPECT_EQ(checked, 4) << c.model << ": only " << checked << " of " << tried
                        << " random plans sent >= " << c.min_crossing << " tensors";
  std::printf(
      "[ split task] %s: %d interior plans (up to %d crossing tensors) give the whole model's %zu "
      "detections bit for bit\n",
      c.model, checked, max_crossing, want->count());
}

INSTANTIATE_TEST_SUITE_P(Models, SplitTask,
                         ::testing::Values(SplitCase{"mlsd-tiny-320", testing::kVtest, 100, 3},
                                           SplitCase{"blazeface-front-128", testing::kMegamind, 100, 1}),
                         [](const auto& info) {
                           std::string n = info.param.model;
                           for (char& ch : n) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return n;
                         });

}  // namespace
}  // namespace edgecut::task
