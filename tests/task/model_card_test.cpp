// Model cards: parsing (every error names the field), the built-in npm
// names, and cards checked against real models' inputs and outputs.
#include "task/model_card.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/shape_probe.h"
#include "real_models.h"
#include "task/decode.h"
#include "task/npm_models.h"
#include "zoo/zoo.h"

namespace edgecut::task {
namespace {

constexpr const char* kMlsdCard = R"({
  "preprocess": {"layout": "NHWC", "channels": "RGBA", "scale": 1, "mean": [0,0,0], "std": [1,1,1],
                 "alpha": 1, "resize": "area"},
  "task": {"kind": "line_segments", "scores": "scores", "offsets": "offsets", "threshold": 0.2}})";

std::string message_of(const std::string& text) {
  auto c = parse_card_text(text, "card.json");
  return c ? "" : c.status().message();
}

TEST(ModelCard, ParsesAndRoundTrips) {
  auto c = parse_card_text(kMlsdCard, "card.json");
  ASSERT_TRUE(c) << c.status().to_string();
  ASSERT_TRUE(c->preprocess);
  EXPECT_EQ(c->preprocess->layout, Layout::kNHWC);
  EXPECT_EQ(c->preprocess->channel_count(), 4);
  EXPECT_EQ(c->preprocess->resize, Resize::kArea);
  EXPECT_EQ(c->task.kind, TaskKind::kLineSegments);
  EXPECT_FLOAT_EQ(c->task.lines.threshold, 0.2f);
  auto again = parse_card(card_to_json(*c), "again");
  ASSERT_TRUE(again) << again.status().to_string();
  EXPECT_EQ(card_to_json(*again), card_to_json(*c));
}

TEST(ModelCard, ErrorsNameTheField) {
  EXPECT_NE(message_of(R"({"task": {"kind": "line_segments", "scores": "s", "offsets": "o"}})")
                .find("'threshold' is missing"),
            std::string::npos);
  EXPECT_NE(message_of(R"({"task": {"kind": "face_boxes", "layers": [], "threshold": 0.5}})").find("layers"),
            std::string::npos);
  EXPECT_NE(
      message_of(R"({"task": {"kind": "classification", "treshold": 1}})").find("unknown field 'treshold'"),
      std::string::npos);
  EXPECT_NE(message_of(R"({"task": {"kind": "segmentation"}})").find("kind 'segmentation'"),
            std::string::npos);
  EXPECT_NE(message_of(R"({"preprocess": {"layout": "CHW"}, "task": {"kind": "classification"}})")
                .find("'channels' is missing"),
            std::string::npos);
  EXPECT_NE(
      message_of(
          R"({"preprocess": {"layout": "CHW", "channels": "RGB", "scale": 1, "mean": [0,0,0], "std": [1,1,1]},
                           "task": {"kind": "classification"}})")
          .find("layout 'CHW'"),
      std::string::npos);
  EXPECT_NE(
      message_of(
          R"({"preprocess": {"layout": "NCHW", "channels": "RGB", "scale": 1, "mean": [0,0,0], "std": [1,0,1]},
                           "task": {"kind": "classification"}})")
          .find("std"),
      std::string::npos);
  EXPECT_NE(message_of("[1, 2").find("not valid JSON"), std::string::npos);
}

TEST(ModelCard, SidecarNextToTheModelIsRead) {
  const auto dir = std::filesystem::temp_directory_path() / ("edgecut_card_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string model = (dir / "m.onnx").string();
  auto none = read_sidecar(model);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  std::ofstream(model + ".json") << R"({"task": {"kind": "classification", "top_k": 0}})";
  auto bad = read_sidecar(model);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("m.onnx.json"), std::string::npos) << bad.status().message();
  std::filesystem::remove_all(dir);
}

TEST(ModelCard, WrongLayoutForAModelNamesItsInput) {
  auto proto = zoo::build("resnet18", {});
  ASSERT_TRUE(proto);
  auto model = graph::import_model(std::move(*proto), "zoo:resnet18", {});
  ASSERT_TRUE(model);
  auto card = parse_card_text(kMlsdCard, "card.json");
  ASSERT_TRUE(card);
  Status st = check_card(*card, *model);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("NHWC with 4 channels"), std::string::npos) << st.message();
  EXPECT_TRUE(check_card(default_card(*model), *model).is_ok());
}

TEST(NpmModels, UnknownNamesListTheKnownOnes) {
  auto p = npm_model_path("mlsd-huge-9000");
  ASSERT_FALSE(p);
  EXPECT_NE(p.status().message().find("mlsd-tiny-320"), std::string::npos);
}

TEST(NpmModels, EveryBuiltInCardFitsItsModel) {
  for (const NpmModel& m : npm_models()) {
    auto path = testing::real_model(m.name);
    if (!path) GTEST_SKIP() << path.status().message();
    auto proto = graph::read_model_file(*path, {});
    ASSERT_TRUE(proto) << proto.status().to_string();
    auto model = engine::import_resolving_shapes(std::move(*proto), *path, {});
    ASSERT_TRUE(model) << model.status().to_string();
    auto card = npm_model_card(m.name);
    ASSERT_TRUE(card);
    auto d = Decoder::make(*card, *model);
    EXPECT_TRUE(d) << m.name << ": " << d.status().to_string();
    // The same card on the other family's model is refused, naming a tensor.
    const std::string other = m.package == "mlsd" ? "blazeface-front-128" : "mlsd-tiny-320";
    Status st = check_card(*npm_model_card(other), *model);
    EXPECT_FALSE(st.is_ok()) << m.name << " accepted " << other << "'s card";
  }
}

}  // namespace
}  // namespace edgecut::task
