// Task decoders: a model's output tensors -> what the task reads in the frame
// (line segments, face boxes, classes), as the npm packages' shaders decode
// them (docs/design.md, "Task decoders").
//
// Coordinates are normalised to the model input, x right and y down, in
// [0, 1] for points inside the frame (every resize mode stretches the whole
// frame, so they are the frame's normalised coordinates too).
//   M-LSD: a cell (x, y) of the W x H score map whose score >= threshold is a
//     segment; its end points are ((x + dx0) / W, (y + dy0) / H) and
//     ((x + dx1) / W, (y + dy1) / H) from the offsets map (the package's
//     Postprocess.compute: pos * 2 / Size with the map at half the input).
//     Scan order (row-major), at most max_detections.
//   BlazeFace: anchor (x, y) of a C x C layer is ((x + .5) / C, (y + .5) / C);
//     score sigmoid(s); box centre anchor + (bx, by) / S, size (bw, bh) / S,
//     key point k anchor + (kx, ky) / S with S the input's side
//     (Postprocess1Kernel.hlsl); candidates with score > threshold, sorted by
//     score (descending, stable), are blended: each kept one absorbs every
//     later one with IoU >= iou into a score-weighted mean of the geometry and
//     the maximum score (Postprocess2.compute; the shader takes candidates in
//     GPU append order and skips the last, an artefact not reproduced here).
//   Classification: the top_k of the (first) output.
// Complexity: M-LSD O(H W); BlazeFace O(anchors + candidates^2); top-k O(n log k).
#pragma once

#include <array>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/tensor.h"
#include "graph/onnx_import.h"
#include "task/model_card.h"

namespace edgecut::task {

struct Segment {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float score = 0;
};

struct Face {
  float cx = 0, cy = 0, w = 0, h = 0;  // box centre and size
  std::array<float, 12> keypoints{};   // (x, y) of eyes, nose, mouth, ears
  float score = 0;
};

struct ClassScore {
  int cls = 0;
  float score = 0;
};

struct TaskOutput {
  TaskKind kind = TaskKind::kNone;
  std::vector<Segment> segments;
  std::vector<Face> faces;
  std::vector<ClassScore> classes;

  // Bytes of the compact result a cloud would send back instead of the maps:
  // 5 floats a segment, 17 a face, 2 numbers a class, plus a 4-byte count.
  int64_t wire_bytes() const;
  size_t count() const;
};

// A task bound to one model (its card checked, the input's size known).
class Decoder {
 public:
  // Fails as check_card does.
  static Expected<Decoder> make(const ModelCard& card, const graph::Model& model);

  const Task& task() const { return task_; }
  int input_width() const { return in_w_; }
  int input_height() const { return in_h_; }

  // The task's output for one run's outputs (the model's outputs, found by
  // name). Fails naming a missing or mis-shaped tensor.
  Expected<TaskOutput> decode(const std::vector<exec::Tensor>& outputs) const;

 private:
  Task task_;
  int in_w_ = 0, in_h_ = 0;
  std::string first_output_;
};

// The decoders themselves, for tests and for callers that hold the tensors.
Expected<std::vector<Segment>> decode_mlsd(const exec::Tensor& scores, const exec::Tensor& offsets,
                                           const LineSegmentsTask& t, int input_w, int input_h);
Expected<std::vector<Face>> decode_blazeface(const std::vector<const exec::Tensor*>& scores,
                                             const std::vector<const exec::Tensor*>& boxes,
                                             const FaceBoxesTask& t, int input_size);
Expected<std::vector<ClassScore>> decode_top_k(const exec::Tensor& logits, int k);

// IoU of two boxes (centre / size form).
float box_iou(const Face& a, const Face& b);

// {"kind": ..., "segments": [[x0,y0,x1,y1,score], ...]} / "faces" / "classes".
nlohmann::json output_to_json(const TaskOutput& o);

}  // namespace edgecut::task
