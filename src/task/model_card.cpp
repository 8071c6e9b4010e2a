#include "task/model_card.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "common/file.h"

namespace edgecut::task {
namespace {

using nlohmann::json;

// Reads the fields of one JSON object, refusing unknown ones: a misspelt
// "treshold" must be an error, not the default.
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  Status check_object() const {
    if (!j_.is_object()) return error(Code::kParseError, "{}: want a JSON object", where_);
    return Status::ok();
  }
  template <typename T>
  Status get(const char* key, T* out, bool required) {
    seen_.insert(key);
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (required) return error(Code::kParseError, "{}: field '{}' is missing", where_, key);
      return Status::ok();
    }
    try {
      *out = it->template get<T>();
    } catch (const json::exception& e) {
      return error(Code::kParseError, "{}: field '{}': {}", where_, key, e.what());
    }
    return Status::ok();
  }
  Status no_unknown() const {
    for (const auto& [k, v] : j_.items()) {
      if (!seen_.count(k)) return error(Code::kParseError, "{}: unknown field '{}'", where_, k);
    }
    return Status::ok();
  }

 private:
  const json& j_;
  std::string where_;
  std::set<std::string> seen_;
};

Expected<Preprocess> parse_preprocess(const json& j, const std::string& where) {
  Fields f(j, where);
  EDGECUT_RETURN_IF_ERROR(f.check_object());
  Preprocess p;
  std::string layout, resize = "bilinear";
  EDGECUT_RETURN_IF_ERROR(f.get("layout", &layout, true));
  EDGECUT_RETURN_IF_ERROR(f.get("channels", &p.channels, true));
  EDGECUT_RETURN_IF_ERROR(f.get("scale", &p.scale, true));
  EDGECUT_RETURN_IF_ERROR(f.get("mean", &p.mean, true));
  EDGECUT_RETURN_IF_ERROR(f.get("std", &p.std, true));
  EDGECUT_RETURN_IF_ERROR(f.get("alpha", &p.alpha, false));
  EDGECUT_RETURN_IF_ERROR(f.get("resize", &resize, false));
  EDGECUT_RETURN_IF_ERROR(f.no_unknown());
  if (layout == "NCHW") {
    p.layout = Layout::kNCHW;
  } else if (layout == "NHWC") {
    p.layout = Layout::kNHWC;
  } else {
    return error(Code::kParseError, "{}: layout '{}': want NCHW or NHWC", where, layout);
  }
  static const std::set<std::string> kChannels = {"RGB", "BGR", "RGBA", "BGRA"};
  if (!kChannels.count(p.channels)) {
    return error(Code::kParseError, "{}: channels '{}': want RGB, BGR, RGBA or BGRA", where, p.channels);
  }
  if (resize == "bilinear") {
    p.resize = Resize::kBilinear;
  } else if (resize == "area") {
    p.resize = Resize::kArea;
  } else if (resize == "nearest") {
    p.resize = Resize::kNearest;
  } else {
    return error(Code::kParseError, "{}: resize '{}': want bilinear, area or nearest", where, resize);
  }
  if (!(p.scale > 0) || !std::isfinite(p.scale))
    return error(Code::kParseError, "{}: scale must be > 0", where);
  for (int c = 0; c < 3; ++c) {
    if (!std::isfinite(p.mean[c]) || !std::isfinite(p.std[c]) || p.std[c] == 0) {
      return error(Code::kParseError, "{}: mean / std of channel {} not usable (std must be non-zero)", where,
                   c);
    }
  }
  return p;
}

Status parse_lines(const json& j, const std::string& where, LineSegmentsTask* t) {
  Fields f(j, where);
  std::string kind;
  EDGECUT_RETURN_IF_ERROR(f.get("kind", &kind, true));
  EDGECUT_RETURN_IF_ERROR(f.get("scores", &t->scores, true));
  EDGECUT_RETURN_IF_ERROR(f.get("offsets", &t->offsets, true));
  EDGECUT_RETURN_IF_ERROR(f.get("threshold", &t->threshold, true));
  EDGECUT_RETURN_IF_ERROR(f.get("min_length", &t->min_length, false));
  EDGECUT_RETURN_IF_ERROR(f.get("max_detections", &t->max_detections, false));
  EDGECUT_RETURN_IF_ERROR(f.no_unknown());
  if (!(t->threshold > 0 && t->threshold <= 1) || t->max_detections < 1 || t->max_detections > 1 << 20 ||
      !(t->min_length >= 0)) {
    return error(Code::kParseError,
                 "{}: want 0 < threshold <= 1, min_length >= 0, max_detections in [1, 2^20]", where);
  }
  return Status::ok();
}

Status parse_faces(const json& j, const std::string& where, FaceBoxesTask* t) {
  Fields f(j, where);
  std::string kind;
  json layers;
  EDGECUT_RETURN_IF_ERROR(f.get("kind", &kind, true));
  EDGECUT_RETURN_IF_ERROR(f.get("layers", &layers, true));
  EDGECUT_RETURN_IF_ERROR(f.get("threshold", &t->threshold, true));
  EDGECUT_RETURN_IF_ERROR(f.get("iou", &t->iou, false));
  EDGECUT_RETURN_IF_ERROR(f.get("max_detections", &t->max_detections, false));
  EDGECUT_RETURN_IF_ERROR(f.no_unknown());
  if (!layers.is_array() || layers.empty() || layers.size() > 8) {
    return error(Code::kParseError, "{}: layers must be a list of 1..8 anchor layers", where);
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    Fields lf(layers[i], fmt::format("{}: layers[{}]", where, i));
    EDGECUT_RETURN_IF_ERROR(lf.check_object());
    AnchorLayer l;
    EDGECUT_RETURN_IF_ERROR(lf.get("cells", &l.cells, true));
    EDGECUT_RETURN_IF_ERROR(lf.get("anchors", &l.anchors, true));
    EDGECUT_RETURN_IF_ERROR(lf.get("scores", &l.scores, true));
    EDGECUT_RETURN_IF_ERROR(lf.get("boxes", &l.boxes, true));
    EDGECUT_RETURN_IF_ERROR(lf.no_unknown());
    if (l.cells < 1 || l.cells > 1024 || l.anchors < 1 || l.anchors > 64) {
      return error(Code::kParseError, "{}: layers[{}]: want cells in [1, 1024], anchors in [1, 64]", where,
                   i);
    }
    t->layers.push_back(l);
  }
  if (!(t->threshold > 0 && t->threshold < 1) || !(t->iou > 0 && t->iou <= 1) || t->max_detections < 1 ||
      t->max_detections > 4096) {
    return error(Code::kParseError, "{}: want 0 < threshold < 1, 0 < iou <= 1, max_detections in [1, 4096]",
                 where);
  }
  return Status::ok();
}

Expected<Task> parse_task(const json& j, const std::string& where) {
  if (!j.is_object()) return error(Code::kParseError, "{}: want a JSON object", where);
  Task t;
  const std::string kind = j.value("kind", "");
  if (kind == "classification") {
    t.kind = TaskKind::kClassification;
    Fields f(j, where);
    std::string k;
    EDGECUT_RETURN_IF_ERROR(f.get("kind", &k, true));
    EDGECUT_RETURN_IF_ERROR(f.get("output", &t.classification.output, false));
    EDGECUT_RETURN_IF_ERROR(f.get("top_k", &t.classification.top_k, false));
    EDGECUT_RETURN_IF_ERROR(f.no_unknown());
    if (t.classification.top_k < 1 || t.classification.top_k > 1000) {
      return error(Code::kParseError, "{}: top_k must be in [1, 1000]", where);
    }
  } else if (kind == "line_segments") {
    t.kind = TaskKind::kLineSegments;
    EDGECUT_RETURN_IF_ERROR(parse_lines(j, where, &t.lines));
  } else if (kind == "face_boxes") {
    t.kind = TaskKind::kFaceBoxes;
    EDGECUT_RETURN_IF_ERROR(parse_faces(j, where, &t.faces));
  } else {
    return error(Code::kParseError, "{}: kind '{}': want classification, line_segments or face_boxes", where,
                 kind);
  }
  return t;
}

const char* layout_name(Layout l) { return l == Layout::kNCHW ? "NCHW" : "NHWC"; }
const char* resize_name(Resize r) {
  return r == Resize::kArea ? "area" : r == Resize::kNearest ? "nearest" : "bilinear";
}

}  // namespace

const char* task_name(TaskKind k) {
  switch (k) {
    case TaskKind::kClassification:
      return "classification";
    case TaskKind::kLineSegments:
      return "line_segments";
    case TaskKind::kFaceBoxes:
      return "face_boxes";
    case TaskKind::kNone:
      break;
  }
  return "none";
}

Expected<ModelCard> parse_card(const json& j, const std::string& label) {
  Fields f(j, label);
  EDGECUT_RETURN_IF_ERROR(f.check_object());
  json pre, task;
  EDGECUT_RETURN_IF_ERROR(f.get("preprocess", &pre, false));
  EDGECUT_RETURN_IF_ERROR(f.get("task", &task, true));
  EDGECUT_RETURN_IF_ERROR(f.no_unknown());
  ModelCard c;
  c.source = label;
  if (!pre.is_null()) {
    EDGECUT_ASSIGN_OR_RETURN(Preprocess p, parse_preprocess(pre, label + ": preprocess"));
    c.preprocess = p;
  }
  EDGECUT_ASSIGN_OR_RETURN(c.task, parse_task(task, label + ": task"));
  return c;
}

Expected<ModelCard> parse_card_text(const std::string& text, const std::string& label) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return error(Code::kParseError, "{}: not valid JSON", label);
  return parse_card(j, label);
}

Expected<std::optional<ModelCard>> read_sidecar(const std::string& model_path) {
  const std::string path = model_path + ".json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<ModelCard>();
  EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(path, "model card", 1 << 20));
  EDGECUT_ASSIGN_OR_RETURN(ModelCard c, parse_card_text(text, path));
  return std::optional<ModelCard>(std::move(c));
}

json card_to_json(const ModelCard& c) {
  json j;
  if (c.preprocess) {
    const Preprocess& p = *c.preprocess;
    j["preprocess"] = {{"layout", layout_name(p.layout)},
                       {"channels", p.channels},
                       {"scale", p.scale},
                       {"mean", p.mean},
                       {"std", p.std},
                       {"alpha", p.alpha},
                       {"resize", resize_name(p.resize)}};
  }
  const Task& t = c.task;
  json tj = {{"kind", task_name(t.kind)}};
  if (t.kind == TaskKind::kClassification) {
    tj["output"] = t.classification.output;
    tj["top_k"] = t.classification.top_k;
  } else if (t.kind == TaskKind::kLineSegments) {
    tj.update({{"scores", t.lines.scores},
               {"offsets", t.lines.offsets},
               {"threshold", t.lines.threshold},
               {"min_length", t.lines.min_length},
               {"max_detections", t.lines.max_detections}});
  } else if (t.kind == TaskKind::kFaceBoxes) {
    json layers = json::array();
    for (const AnchorLayer& l : t.faces.layers) {
      layers.push_back(
          {{"cells", l.cells}, {"anchors", l.anchors}, {"scores", l.scores}, {"boxes", l.boxes}});
    }
    tj.update({{"layers", layers},
               {"threshold", t.faces.threshold},
               {"iou", t.faces.iou},
               {"max_detections", t.faces.max_detections}});
  }
  j["task"] = tj;
  return j;
}

}  // namespace edgecut::task
