// eval/calibrate on a small zoo model and synthetic frames: every calibrated
// tensor has every applicable encoding, lossless ones are exact, sizes follow
// the encodings, and a plan's end-to-end fidelity is measured.
#include "eval/calibrate.h"

#include <gtest/gtest.h>

#include "graph/structure.h"
#include "zoo/zoo.h"

namespace edgecut::eval {
namespace {

graph::Model small_model() {
  zoo::Options o;
  o.image_size = 32;
  o.width_divisor = 8;
  auto m = graph::import_model(*zoo::build("resnet18", o), "zoo:resnet18");
  EXPECT_TRUE(m) << m.status().message();
  return std::move(*m);
}

TEST(Calibrate, MeasuresEveryEncodingOfInputAndCutVertexOutputs) {
  const graph::Model m = small_model();
  const graph::Graph& g = m.graph;
  CalibrateOptions o;
  o.frames = 2;
  auto cal = calibrate(m, o);
  ASSERT_TRUE(cal.has_value()) << cal.status().to_string();
  ASSERT_GT(cal->tensors.size(), 3u);
  EXPECT_EQ(cal->tensors[0].value, g.inputs[0]);
  EXPECT_EQ(cal->tensors[0].encodings.size(),
            default_encodings().size());  // the input takes uint8 / jpeg too
  EXPECT_EQ(cal->tensors[1].encodings.size(), default_encodings().size() - 6);  // no uint8(+2) / jpeg(x3)
  for (const auto& t : cal->tensors) {
    for (const auto& e : t.encodings) {
      const double raw = static_cast<double>(t.fp32_bytes);
      if (e.name.starts_with("fp32")) {
        EXPECT_EQ(e.fidelity.max_rel_err, 0) << e.name;
      }
      if (e.name == "fp16") {
        EXPECT_EQ(e.bytes, raw / 2);
      }
      if (e.name == "int8" || e.name == "uint8") {
        EXPECT_EQ(e.bytes, raw / 4);
      }
      // A 32x32 JPEG of the synthetic pattern loses more than the other encodings.
      EXPECT_GE(e.fidelity.cosine, e.name.starts_with("jpeg") ? 0.9 : 0.99)
          << g.values[t.value].name << " " << e.name;
      EXPECT_GE(e.encode_ns, 0);
    }
  }
  // The uint8 frame is what preprocessing made: exact.
  for (const auto& e : cal->tensors[0].encodings) {
    if (e.name == "uint8") {
      EXPECT_EQ(e.fidelity.max_rel_err, 0);
    }
  }
}

TEST(Calibrate, PlanFidelityOfEncodedCutsAndBadFrames) {
  const graph::Model m = small_model();
  const graph::Graph& g = m.graph;
  auto frames = calibration_frames(m, "synthetic", 3, 2);
  ASSERT_TRUE(frames.has_value()) << frames.status().to_string();
  const graph::Structure st = graph::analyze(g);
  const graph::NodeId cut = st.order[st.cut_pos[3]];
  std::vector<graph::NodeId> head;
  for (int p = 1; p <= st.cut_pos[3]; ++p) head.push_back(st.order[p]);
  auto exact = plan_fidelity(m, head, {}, *frames);
  ASSERT_TRUE(exact.has_value()) << exact.status().to_string();
  EXPECT_EQ(exact->max_rel_err, 0);
  EXPECT_EQ(exact->top1, 1);
  auto int8 = plan_fidelity(m, head, {{g.nodes[cut].outputs[0], "int8"}}, *frames);
  ASSERT_TRUE(int8.has_value()) << int8.status().to_string();
  EXPECT_GT(int8->max_rel_err, 0);
  EXPECT_GT(int8->cosine, 0.99);
  EXPECT_FALSE(plan_fidelity(m, head, {{g.nodes[cut].outputs[0], "int9"}}, *frames).has_value());
  EXPECT_FALSE(calibration_frames(m, "no-such-file.avi", 0, 1).has_value());
}

}  // namespace
}  // namespace edgecut::eval
