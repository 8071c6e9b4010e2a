// Task-level fidelity in calibration on real models (eval/calibrate.h): every
// encoding is judged by the task's decoded output against the uncut fp32
// model's on real frames, and the default bound admits exactly the encodings
// that kept it on every frame.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/shape_probe.h"
#include "eval/calibrate.h"
#include "real_models.h"
#include "task/npm_models.h"

namespace edgecut::eval {
namespace {

struct FidelityCase {
  const char* model;
  const char* video;
  const char* encodings;
};

class TaskFidelity : public ::testing::TestWithParam<FidelityCase> {};

TEST_P(TaskFidelity, EveryEncodingCarriesTaskF1AndTheDefaultBoundKeepsTheTask) {
  const FidelityCase& c = GetParam();
  auto path = testing::real_model(c.model);
  if (!path) GTEST_SKIP() << path.status().message();
  auto proto = graph::read_model_file(*path, {});
  ASSERT_TRUE(proto);
  auto model = engine::import_resolving_shapes(std::move(*proto), *path, {});
  ASSERT_TRUE(model);
  CalibrateOptions o;
  o.source = c.video;
  o.frames = 3;
  o.skip = 60;
  o.engine = engine::default_engine();
  o.card = *task::npm_model_card(c.model);
  auto list = codec::parse_encoding_list(c.encodings);
  ASSERT_TRUE(list);
  for (const auto& e : *list) {
    if (e.base != codec::Base::kFp32 || e.pack != codec::Pack::kNone) o.encodings.push_back(e);
  }
  auto cal = calibrate(*model, o);
  ASSERT_TRUE(cal) << cal.status().to_string();
  ASSERT_FALSE(cal->tensors.empty());
  int lost = 0, kept = 0;
  const partition::FidelityBound safe;
  for (const auto& t : cal->tensors) {
    for (const auto& e : t.encodings) {
      EXPECT_EQ(e.fidelity.task, task::task_name(o.card->task.kind)) << e.name;
      EXPECT_GE(e.fidelity.task_f1, e.fidelity.task_min_f1);
      EXPECT_LE(e.fidelity.task_f1, 1.0);
      if (e.name.starts_with("fp32")) {
        EXPECT_EQ(e.fidelity.task_min_f1, 1.0) << "lossless lost the task";
      }
      EXPECT_EQ(safe.admits(e.fidelity), e.fidelity.task_min_f1 >= 1.0) << e.name;
      (e.fidelity.task_min_f1 < 1 ? lost : kept)++;
    }
  }
  std::printf("[ task fidelity] %s: %d encodings kept the task on every frame, %d did not\n", c.model, kept,
              lost);
}

INSTANTIATE_TEST_SUITE_P(Models, TaskFidelity,
                         ::testing::Values(FidelityCase{"mlsd-tiny-320", testing::kVtest, "fp16,int8,zstd"},
                                           FidelityCase{"blazeface-front-128", testing::kMegamind,
                                                        "int8,uint8,jpeg"}),
                         [](const auto& info) {
                           std::string n = info.param.model;
                           for (char& ch : n) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return n;
                         });

}  // namespace
}  // namespace edgecut::eval
