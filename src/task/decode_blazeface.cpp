// BlazeFace decoding (task/decode.h).
#include <algorithm>
#include <cmath>

#include "task/decode.h"

namespace edgecut::task {
namespace {

// The geometry as one vector (centre, size, key points), blended by score.
constexpr int kGeom = 16;
std::array<double, kGeom> geometry(const Face& f) {
  std::array<double, kGeom> g{f.cx, f.cy, f.w, f.h};
  for (int k = 0; k < 12; ++k) g[4 + k] = f.keypoints[k];
  return g;
}

Face from_geometry(const std::array<double, kGeom>& g, float score) {
  Face f;
  f.cx = static_cast<float>(g[0]);
  f.cy = static_cast<float>(g[1]);
  f.w = static_cast<float>(g[2]);
  f.h = static_cast<float>(g[3]);
  for (int k = 0; k < 12; ++k) f.keypoints[k] = static_cast<float>(g[4 + k]);
  f.score = score;
  return f;
}

Status check_layer(const exec::Tensor* s, const exec::Tensor* b, const AnchorLayer& l) {
  const int64_t n = int64_t{l.cells} * l.cells * l.anchors;
  const std::vector<int64_t> ws = {1, n, 1}, wb = {1, n, 16};
  if (!s || s->dtype() != graph::DType::kFloat || s->shape() != ws) {
    return error(Code::kInvalidArgument, "BlazeFace scores '{}': want float32 {}", l.scores, shape_str(ws));
  }
  if (!b || b->dtype() != graph::DType::kFloat || b->shape() != wb) {
    return error(Code::kInvalidArgument, "BlazeFace boxes '{}': want float32 {}", l.boxes, shape_str(wb));
  }
  return Status::ok();
}

// Candidates of one layer above the threshold (Postprocess1Kernel.hlsl).
void layer_candidates(const exec::Tensor& st, const exec::Tensor& bt, const AnchorLayer& l, double scale,
                      float threshold, std::vector<Face>* out) {
  const auto sc = st.as<float>();
  const auto bx = bt.as<float>();
  for (int y = 0; y < l.cells; ++y) {
    for (int x = 0; x < l.cells; ++x) {
      const double ax = (x + 0.5) / l.cells, ay = (y + 0.5) / l.cells;
      for (int a = 0; a < l.anchors; ++a) {
        const size_t i = static_cast<size_t>((y * l.cells + x) * l.anchors + a);
        const double score = 1.0 / (1.0 + std::exp(-static_cast<double>(sc[i])));
        if (!(score > threshold)) continue;
        const float* b = &bx[16 * i];
        Face f;
        f.cx = static_cast<float>(ax + b[0] * scale);
        f.cy = static_cast<float>(ay + b[1] * scale);
        f.w = static_cast<float>(b[2] * scale);
        f.h = static_cast<float>(b[3] * scale);
        for (int k = 0; k < 6; ++k) {
          f.keypoints[2 * k] = static_cast<float>(ax + b[4 + 2 * k] * scale);
          f.keypoints[2 * k + 1] = static_cast<float>(ay + b[5 + 2 * k] * scale);
        }
        f.score = static_cast<float>(score);
        out->push_back(f);
      }
    }
  }
}

// Weighted NMS (Postprocess2.compute), on candidates sorted by score.
std::vector<Face> blend(std::vector<Face> c, float iou, int max_out) {
  std::stable_sort(c.begin(), c.end(), [](const Face& a, const Face& b) { return a.score > b.score; });
  std::vector<bool> gone(c.size(), false);
  std::vector<Face> out;
  for (size_t i = 0; i < c.size() && static_cast<int>(out.size()) < max_out; ++i) {
    if (gone[i]) continue;
    std::array<double, kGeom> acc{}, gi = geometry(c[i]);
    double ssum = c[i].score;
    float smax = c[i].score;
    for (int k = 0; k < kGeom; ++k) acc[k] = gi[k] * c[i].score;
    for (size_t j = i + 1; j < c.size(); ++j) {
      if (gone[j] || box_iou(c[i], c[j]) < iou) continue;
      const auto gj = geometry(c[j]);
      for (int k = 0; k < kGeom; ++k) acc[k] += gj[k] * c[j].score;
      ssum += c[j].score;
      smax = std::max(smax, c[j].score);
      gone[j] = true;
    }
    for (double& v : acc) v /= ssum;
    out.push_back(from_geometry(acc, smax));
  }
  return out;
}

}  // namespace

float box_iou(const Face& a, const Face& b) {
  const double a0 = static_cast<double>(a.w) * a.h, a1 = static_cast<double>(b.w) * b.h;
  const double x0 = std::max(a.cx - a.w / 2.0, b.cx - b.w / 2.0);
  const double y0 = std::max(a.cy - a.h / 2.0, b.cy - b.h / 2.0);
  const double x1 = std::min(a.cx + a.w / 2.0, b.cx + b.w / 2.0);
  const double y1 = std::min(a.cy + a.h / 2.0, b.cy + b.h / 2.0);
  const double inner = std::max(0.0, x1 - x0) * std::max(0.0, y1 - y0);
  const double uni = a0 + a1 - inner;
  return uni > 0 ? static_cast<float>(inner / uni) : 0.0f;
}

Expected<std::vector<Face>> decode_blazeface(const std::vector<const exec::Tensor*>& scores,
                                             const std::vector<const exec::Tensor*>& boxes,
                                             const FaceBoxesTask& t, int input_size) {
  if (scores.size() != t.layers.size() || boxes.size() != t.layers.size() || input_size < 1) {
    return error(Code::kInvalidArgument, "BlazeFace: want {} score and box tensors and an input size",
                 t.layers.size());
  }
  std::vector<Face> cand;
  for (size_t l = 0; l < t.layers.size(); ++l) {
    EDGECUT_RETURN_IF_ERROR(check_layer(scores[l], boxes[l], t.layers[l]));
    layer_candidates(*scores[l], *boxes[l], t.layers[l], 1.0 / input_size, t.threshold, &cand);
  }
  return blend(std::move(cand), t.iou, t.max_detections);
}

}  // namespace edgecut::task
