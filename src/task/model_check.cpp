// check_card / default_card (task/model_card.h): a card against a model.
#include <algorithm>

#include "common/strings.h"
#include "task/model_card.h"

namespace edgecut::task {
namespace {

const graph::Value* find_output(const graph::Model& m, const std::string& name) {
  for (graph::ValueId x : m.graph.outputs) {
    if (m.graph.values[x].name == name) return &m.graph.values[x];
  }
  return nullptr;
}

std::string output_names(const graph::Model& m) {
  std::string s;
  for (graph::ValueId x : m.graph.outputs) s += (s.empty() ? "" : ", ") + m.graph.values[x].name;
  return s;
}

Status check_output(const graph::Model& m, const std::string& label, const std::string& name,
                    const std::vector<int64_t>& want) {
  const graph::Value* v = find_output(m, name);
  if (!v) {
    return error(Code::kInvalidArgument, "{}: the task reads output '{}', which model {} lacks (outputs: {})",
                 label, name, m.graph.name, output_names(m));
  }
  if (v->dtype != graph::DType::kFloat || v->shape != want) {
    return error(Code::kInvalidArgument, "{}: output '{}' is {} {}, the task wants float32 {}", label, name,
                 graph::dtype_name(v->dtype), shape_str(v->shape), shape_str(want));
  }
  return Status::ok();
}

Status check_preprocess(const ModelCard& c, const graph::Model& m) {
  if (m.graph.inputs.size() != 1) {
    return error(Code::kInvalidArgument, "{}: a camera-frame model has one input; {} has {}", c.source,
                 m.graph.name, m.graph.inputs.size());
  }
  const graph::Value& in = m.graph.values[m.graph.inputs[0]];
  const auto& s = in.shape;
  const int64_t ch = c.preprocess->channel_count();
  const bool nchw = c.preprocess->layout == Layout::kNCHW;
  const bool ok = s.size() == 4 && s[0] == 1 && (nchw ? s[1] == ch : s[3] == ch);
  if (!ok || in.dtype != graph::DType::kFloat) {
    return error(Code::kInvalidArgument,
                 "{}: input '{}' is {} {}, the card wants float32 {} with {} channels ({})", c.source,
                 in.name, graph::dtype_name(in.dtype), shape_str(s), nchw ? "NCHW" : "NHWC", ch,
                 c.preprocess->channels);
  }
  return Status::ok();
}

// M-LSD's maps are at half the input's resolution.
Status check_lines(const ModelCard& c, const graph::Model& m) {
  const auto& s = m.graph.values[m.graph.inputs[0]].shape;
  const bool nhwc = c.preprocess && c.preprocess->layout == Layout::kNHWC;
  if (!nhwc) return error(Code::kInvalidArgument, "{}: line_segments (M-LSD) wants an NHWC input", c.source);
  const int64_t h = s[1] / 2, w = s[2] / 2;
  EDGECUT_RETURN_IF_ERROR(check_output(m, c.source, c.task.lines.scores, {1, h, w, 1}));
  return check_output(m, c.source, c.task.lines.offsets, {1, h, w, 4});
}

Status check_faces(const ModelCard& c, const graph::Model& m) {
  for (const AnchorLayer& l : c.task.faces.layers) {
    const int64_t n = int64_t{l.cells} * l.cells * l.anchors;
    EDGECUT_RETURN_IF_ERROR(check_output(m, c.source, l.scores, {1, n, 1}));
    EDGECUT_RETURN_IF_ERROR(check_output(m, c.source, l.boxes, {1, n, 16}));
  }
  return Status::ok();
}

}  // namespace

ModelCard default_card(const graph::Model& model) {
  ModelCard c;
  c.source = "default (ImageNet preprocessing, classification)";
  if (model.graph.inputs.size() == 1) {
    const auto& s = model.graph.values[model.graph.inputs[0]].shape;
    if (s.size() == 4 && s[0] == 1 && (s[1] == 3 || s[3] == 3)) {
      Preprocess p;
      p.layout = s[1] == 3 ? Layout::kNCHW : Layout::kNHWC;
      c.preprocess = p;
    }
  }
  c.task.kind = TaskKind::kClassification;
  return c;
}

Status check_card(const ModelCard& c, const graph::Model& m) {
  if (c.preprocess) EDGECUT_RETURN_IF_ERROR(check_preprocess(c, m));
  switch (c.task.kind) {
    case TaskKind::kLineSegments:
      if (!c.preprocess)
        return error(Code::kInvalidArgument, "{}: line_segments needs a preprocess", c.source);
      return check_lines(c, m);
    case TaskKind::kFaceBoxes:
      return check_faces(c, m);
    case TaskKind::kClassification:
      if (!c.task.classification.output.empty() && !find_output(m, c.task.classification.output)) {
        return error(Code::kInvalidArgument,
                     "{}: the task reads output '{}', which model {} lacks (outputs: {})", c.source,
                     c.task.classification.output, m.graph.name, output_names(m));
      }
      return Status::ok();
    case TaskKind::kNone:
      break;
  }
  return Status::ok();
}

}  // namespace edgecut::task
