// The C++ decoders against an independent reference decoding on real frames:
// tests/task/reference_decode.py, written in numpy from the npm packages'
// shaders, reads the model's raw output maps (and the preprocessed input,
// which it recomputes from the video with its own OpenCV calls) that this
// test dumps, decodes them itself and compares with what the C++ decoder gave:
// the same segments within 1 px, the same faces with IoU >= 0.99.
// The models run on the default engine (ONNX Runtime where built in).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/videoio.hpp>

#include "common/subprocess.h"
#include "engine/engine.h"
#include "engine/shape_probe.h"
#include "real_models.h"
#include "runtime/preprocess.h"
#include "task/decode.h"
#include "task/npm_models.h"

namespace edgecut::task {
namespace {

namespace fs = std::filesystem;

struct Case {
  const char* model;
  const char* video;
  int frames, step;  // frames 0, step, 2 step, ...
  float threshold;   // for the test: lower than the package's so that NMS has work
};

void write_tensor(const fs::path& dir, const exec::Tensor& t, nlohmann::json* manifest) {
  const std::string file = fmt::format("t{}.bin", manifest->size());
  std::ofstream(dir / file, std::ios::binary).write(reinterpret_cast<const char*>(t.data()), t.bytes());
  (*manifest)[t.name()] = {{"file", file}, {"shape", t.shape()}};
}

// Runs the model on the case's frames, dumping input, outputs and the C++ decoding.
void dump_case(const Case& c, const fs::path& dir, int* nonempty) {
  auto path = testing::real_model(c.model);
  ASSERT_TRUE(path);
  auto proto = graph::read_model_file(*path, {});
  ASSERT_TRUE(proto) << proto.status().to_string();
  auto model = engine::import_resolving_shapes(std::move(*proto), *path, {});
  ASSERT_TRUE(model) << model.status().to_string();
  ModelCard card = *npm_model_card(c.model);
  card.task.lines.threshold = card.task.faces.threshold = c.threshold;
  auto dec = Decoder::make(card, *model);
  ASSERT_TRUE(dec) << dec.status().to_string();
  auto ex = engine::make_executor(*model, engine::default_engine(), 1);
  ASSERT_TRUE(ex) << ex.status().to_string();
  std::vector<graph::NodeId> all(model->graph.num_nodes());
  for (int i = 0; i < model->graph.num_nodes(); ++i) all[i] = i;
  auto seg = (*ex)->prepare(all);
  ASSERT_TRUE(seg) << seg.status().to_string();
  const runtime::PreprocessOptions po = runtime::options_from(*card.preprocess);
  const graph::Value& input = model->graph.values[model->graph.inputs[0]];
  cv::VideoCapture cap(c.video);
  ASSERT_TRUE(cap.isOpened()) << c.video;
  nlohmann::json frames = nlohmann::json::array();
  cv::Mat bgr;
  for (int f = 0; f < c.frames * c.step; ++f) {
    ASSERT_TRUE(cap.read(bgr)) << c.video << " frame " << f;
    if (f % c.step) continue;
    auto x = runtime::preprocess(bgr, input, po);
    ASSERT_TRUE(x) << x.status().to_string();
    std::vector<exec::Tensor> outs;
    Status st = (*ex)->run(*seg, {*x}, &outs);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    auto out = dec->decode(outs);
    ASSERT_TRUE(out) << out.status().to_string();
    *nonempty += out->count() > 0;
    const fs::path fdir = dir / fmt::format("{}_{}", c.model, f);
    fs::create_directories(fdir);
    nlohmann::json manifest = nlohmann::json::object();
    write_tensor(fdir, *x, &manifest);
    for (const auto& t : outs) write_tensor(fdir, t, &manifest);
    frames.push_back({{"dir", fdir.string()},
                      {"frame", f},
                      {"input", input.name},
                      {"tensors", manifest},
                      {"decoded", output_to_json(*out)}});
  }
  nlohmann::json j = {
      {"model", c.model}, {"video", c.video}, {"card", card_to_json(card)}, {"frames", frames}};
  std::ofstream(dir / (std::string(c.model) + ".json")) << j.dump();
}

class Reference : public ::testing::TestWithParam<Case> {};

TEST_P(Reference, CppDecoderAgreesWithNumpyReference) {
  const Case& c = GetParam();
  if (auto p = testing::real_model(c.model); !p) GTEST_SKIP() << p.status().message();
  if (!testing::have_file(c.video)) GTEST_SKIP() << c.video << " missing (Debian's opencv-doc)";
  const fs::path dir = fs::temp_directory_path() / fmt::format("edgecut_ref_{}_{}", c.model, ::getpid());
  fs::create_directories(dir);
  int nonempty = 0;
  ASSERT_NO_FATAL_FAILURE(dump_case(c, dir, &nonempty));
  // Frames with something to decode: an empty answer agrees trivially.
  EXPECT_GE(nonempty, 20) << c.model << " found nothing on most frames of " << c.video;
  const std::string script = std::string(testing::source_dir()) + "/tests/task/reference_decode.py";
  auto out = run_capture({"/usr/bin/python3", script, (dir / (std::string(c.model) + ".json")).string()},
                         std::chrono::milliseconds(300000));
  EXPECT_TRUE(out) << out.status().message();
  if (out) std::cout << *out;
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Models, Reference,
                         ::testing::Values(Case{"mlsd-tiny-320", testing::kVtest, 24, 30, 0.1f},
                                           Case{"mlsd-large-512", testing::kVtest, 20, 37, 0.1f},
                                           Case{"blazeface-front-128", testing::kMegamind, 24, 10, 0.5f},
                                           Case{"blazeface-back-256", testing::kMegamind, 24, 10, 0.5f}),
                         [](const auto& info) {
                           std::string n = info.param.model;
                           for (char& ch : n) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return n;
                         });

}  // namespace
}  // namespace edgecut::task
