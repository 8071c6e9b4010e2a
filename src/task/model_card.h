// ModelCard: what a model expects of a camera frame and what its outputs mean,
// as data (docs/design.md, "Models as data").
//
// Models the two conventions an ONNX file does not carry: preprocessing
// (layout, channel order and count, value range, resize mode) and the task
// (classification, line segments, face boxes, with its parameters). A card
// comes from a JSON sidecar next to the model ("model.onnx.json"), or from the
// built-in table of npm models (task/npm_models.h). Sidecar format:
//
//   {"preprocess": {"layout": "NHWC", "channels": "RGBA", "scale": 1,
//                   "mean": [0,0,0], "std": [1,1,1], "alpha": 1,
//                   "resize": "area"},
//    "task": {"kind": "line_segments", "scores": "scores", "offsets": "offsets",
//             "threshold": 0.1}}
//
// A pixel byte u of channel c becomes (u * scale - mean[c]) / std[c]; an
// alpha channel holds the constant `alpha`. Every field is required unless
// the table in model_card.cpp gives a default; an unknown field is an error
// (a typo must not silently fall back to a default). check_card() matches a
// card against a model's inputs and outputs. O(size of the JSON).
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/onnx_import.h"

namespace edgecut::task {

enum class Layout { kNCHW, kNHWC };
enum class Resize { kBilinear, kArea, kNearest };  // every mode stretches the whole frame

struct Preprocess {
  Layout layout = Layout::kNCHW;
  std::string channels = "RGB";  // RGB, BGR, RGBA or BGRA: the model's channel order
  float scale = 1.0f / 255.0f;
  std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};
  std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
  float alpha = 1.0f;  // the alpha channel's value (channels RGBA / BGRA)
  Resize resize = Resize::kBilinear;

  int channel_count() const { return static_cast<int>(channels.size()); }
  bool bgr() const { return channels[0] == 'B'; }
};

enum class TaskKind { kNone, kClassification, kLineSegments, kFaceBoxes };
const char* task_name(TaskKind k);

struct ClassificationTask {
  std::string output;  // empty: the model's first output
  int top_k = 5;
};

// M-LSD: `scores` [1,H,W,1] holds the centre score (local maxima kept, others
// 0, inside the model), `offsets` [1,H,W,4] the displacements (x0,y0,x1,y1)
// of the end points in cells; H,W = input / 2 (task/mlsd.h).
struct LineSegmentsTask {
  std::string scores = "scores", offsets = "offsets";
  float threshold = 0.1f;  // a cell is a segment centre when its score >= threshold
  float min_length = 0;    // in model-input pixels; shorter segments are dropped
  int max_detections = 4096;
};

// One anchor layer of BlazeFace: a cells x cells grid, `anchors` per cell.
struct AnchorLayer {
  int cells = 0, anchors = 0;
  std::string scores, boxes;  // outputs [1, cells*cells*anchors, 1] and [.., 16]
};
struct FaceBoxesTask {
  std::vector<AnchorLayer> layers;
  float threshold = 0.75f;  // sigmoid(score) > threshold
  float iou = 0.3f;         // overlapping candidates (IoU >= iou) are blended
  int max_detections = 64;
};

struct Task {
  TaskKind kind = TaskKind::kNone;
  ClassificationTask classification;
  LineSegmentsTask lines;
  FaceBoxesTask faces;
};

struct ModelCard {
  std::string source;                    // where it came from: a sidecar path, "built-in npm:NAME", "default"
  std::optional<Preprocess> preprocess;  // none: the model takes no camera frame
  Task task;
};

// Parses a card; errors name `label` and the field.
Expected<ModelCard> parse_card(const nlohmann::json& j, const std::string& label);
Expected<ModelCard> parse_card_text(const std::string& text, const std::string& label);
// The sidecar "<model_path>.json" if it exists (nullopt if not); errors for a
// file that exists but is not a valid card.
Expected<std::optional<ModelCard>> read_sidecar(const std::string& model_path);
nlohmann::json card_to_json(const ModelCard& c);

// The torchvision ImageNet convention (NCHW or NHWC from the shape) with a
// classification task: what a model without a card gets.
ModelCard default_card(const graph::Model& model);

// Fails naming the tensor when the model's single image input does not have
// the card's layout and channel count, or a task output is missing or has
// the wrong shape.
Status check_card(const ModelCard& c, const graph::Model& model);

}  // namespace edgecut::task
