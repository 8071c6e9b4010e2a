#include "task/decode.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>

namespace edgecut::task {
namespace {

const exec::Tensor* find(const std::vector<exec::Tensor>& outputs, const std::string& name) {
  for (const exec::Tensor& t : outputs) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

Expected<const exec::Tensor*> need(const std::vector<exec::Tensor>& outputs, const std::string& name) {
  const exec::Tensor* t = find(outputs, name);
  if (!t) return error(Code::kNotFound, "task output '{}' is not among the model's outputs", name);
  return t;
}

}  // namespace

int64_t TaskOutput::wire_bytes() const {
  return 4 + static_cast<int64_t>(segments.size()) * 5 * 4 + static_cast<int64_t>(faces.size()) * 17 * 4 +
         static_cast<int64_t>(classes.size()) * 8;
}

size_t TaskOutput::count() const { return segments.size() + faces.size() + classes.size(); }

Expected<Decoder> Decoder::make(const ModelCard& card, const graph::Model& model) {
  EDGECUT_RETURN_IF_ERROR(check_card(card, model));
  Decoder d;
  d.task_ = card.task;
  if (!model.graph.outputs.empty()) d.first_output_ = model.graph.values[model.graph.outputs[0]].name;
  if (model.graph.inputs.size() == 1) {
    const auto& s = model.graph.values[model.graph.inputs[0]].shape;
    const bool nchw = !card.preprocess || card.preprocess->layout == Layout::kNCHW;
    if (s.size() == 4) {
      d.in_h_ = static_cast<int>(nchw ? s[2] : s[1]);
      d.in_w_ = static_cast<int>(nchw ? s[3] : s[2]);
    }
  }
  if (card.task.kind == TaskKind::kFaceBoxes && (d.in_w_ < 1 || d.in_w_ != d.in_h_)) {
    return error(Code::kInvalidArgument, "{}: face_boxes (BlazeFace) wants a square image input",
                 card.source);
  }
  return d;
}

Expected<TaskOutput> Decoder::decode(const std::vector<exec::Tensor>& outputs) const {
  TaskOutput o;
  o.kind = task_.kind;
  switch (task_.kind) {
    case TaskKind::kLineSegments: {
      EDGECUT_ASSIGN_OR_RETURN(const exec::Tensor* s, need(outputs, task_.lines.scores));
      EDGECUT_ASSIGN_OR_RETURN(const exec::Tensor* off, need(outputs, task_.lines.offsets));
      EDGECUT_ASSIGN_OR_RETURN(o.segments, decode_mlsd(*s, *off, task_.lines, in_w_, in_h_));
      break;
    }
    case TaskKind::kFaceBoxes: {
      std::vector<const exec::Tensor*> sc, bx;
      for (const AnchorLayer& l : task_.faces.layers) {
        EDGECUT_ASSIGN_OR_RETURN(const exec::Tensor* s, need(outputs, l.scores));
        EDGECUT_ASSIGN_OR_RETURN(const exec::Tensor* b, need(outputs, l.boxes));
        sc.push_back(s);
        bx.push_back(b);
      }
      EDGECUT_ASSIGN_OR_RETURN(o.faces, decode_blazeface(sc, bx, task_.faces, in_w_));
      break;
    }
    case TaskKind::kClassification: {
      const std::string& name =
          task_.classification.output.empty() ? first_output_ : task_.classification.output;
      EDGECUT_ASSIGN_OR_RETURN(const exec::Tensor* t, need(outputs, name));
      EDGECUT_ASSIGN_OR_RETURN(o.classes, decode_top_k(*t, task_.classification.top_k));
      break;
    }
    case TaskKind::kNone:
      break;
  }
  return o;
}

Expected<std::vector<ClassScore>> decode_top_k(const exec::Tensor& logits, int k) {
  if (logits.dtype() != graph::DType::kFloat || logits.elements() < 1) {
    return error(Code::kInvalidArgument, "classification output '{}': want a non-empty float32 tensor",
                 logits.name());
  }
  const auto v = logits.as<float>();
  std::vector<int> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0);
  const size_t n = std::min(idx.size(), static_cast<size_t>(std::max(k, 1)));
  // Ties go to the lower class, as std::max_element would pick it.
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n), idx.end(),
                    [&](int a, int b) { return v[a] > v[b] || (v[a] == v[b] && a < b); });
  std::vector<ClassScore> out;
  for (size_t i = 0; i < n; ++i) out.push_back({idx[i], v[idx[i]]});
  return out;
}

nlohmann::json output_to_json(const TaskOutput& o) {
  nlohmann::json j = {{"kind", task_name(o.kind)}};
  if (o.kind == TaskKind::kLineSegments) {
    auto& a = j["segments"] = nlohmann::json::array();
    for (const Segment& s : o.segments) a.push_back({s.x0, s.y0, s.x1, s.y1, s.score});
  } else if (o.kind == TaskKind::kFaceBoxes) {
    auto& a = j["faces"] = nlohmann::json::array();
    for (const Face& f : o.faces) {
      a.push_back({{"box", {f.cx, f.cy, f.w, f.h}}, {"keypoints", f.keypoints}, {"score", f.score}});
    }
  } else if (o.kind == TaskKind::kClassification) {
    auto& a = j["classes"] = nlohmann::json::array();
    for (const ClassScore& c : o.classes) a.push_back({c.cls, c.score});
  }
  return j;
}

}  // namespace edgecut::task
