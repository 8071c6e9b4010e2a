#include "partition/encodings.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "common/file.h"
#include "common/strings.h"

namespace edgecut::partition {

Expected<FidelityBound> parse_fidelity_bound(const std::string& text) {
  FidelityBound b;
  b.min_f1 = 0;  // an explicit bound replaces the safe default
  for (const std::string& item : split_list(text)) {
    const size_t eq = item.find('=');
    const std::string key = eq == std::string::npos ? "top1" : item.substr(0, eq);
    const std::string num = eq == std::string::npos ? item : item.substr(eq + 1);
    char* end = nullptr;
    const double v = std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size() || !std::isfinite(v)) {
      return error(Code::kInvalidArgument, "--min-fidelity '{}': '{}' is not a number", text, num);
    }
    if (key == "top1") {
      b.top1 = v;
    } else if (key == "top5") {
      b.top5 = v;
    } else if (key == "cosine") {
      b.cosine = v;
    } else if (key == "max_rel_err") {
      b.max_rel_err = v;
    } else if (key == "f1") {
      b.f1 = v;
    } else if (key == "min_f1") {
      b.min_f1 = v;
    } else {
      return error(Code::kInvalidArgument,
                   "--min-fidelity '{}': unknown measure '{}' (top1, top5, cosine, max_rel_err, f1, min_f1)",
                   text, key);
    }
  }
  return b;
}

nlohmann::json calibration_to_json(const Calibration& c, const graph::Graph& g) {
  nlohmann::json tensors = nlohmann::json::array();
  for (const CalibratedTensor& t : c.tensors) {
    nlohmann::json encs = nlohmann::json::array();
    for (const EncodingOption& o : t.encodings) {
      encs.push_back({{"encoding", o.name},
                      {"mean_bytes", o.bytes},
                      {"encode_ms", static_cast<double>(o.encode_ns) / 1e6},
                      {"decode_ms", static_cast<double>(o.decode_ns) / 1e6},
                      {"max_rel_err", o.fidelity.max_rel_err},
                      {"cosine", o.fidelity.cosine},
                      {"top1", o.fidelity.top1},
                      {"top5", o.fidelity.top5}});
      if (!o.fidelity.task.empty()) {
        encs.back().update({{"task", o.fidelity.task},
                            {"task_f1", o.fidelity.task_f1},
                            {"task_min_f1", o.fidelity.task_min_f1}});
      }
    }
    tensors.push_back({{"value", g.values[t.value].name}, {"fp32_bytes", t.fp32_bytes}, {"encodings", encs}});
  }
  return {{"kind", "edgecut-calibration"},
          {"model", g.name},
          {"model_hash", g.structure_hash()},
          {"source", c.source},
          {"frames", c.frames},
          {"tensors", tensors}};
}

Status write_calibration(const std::string& path, const Calibration& c, const graph::Graph& g) {
  std::ofstream f(path);
  if (!f) return error(Code::kIo, "{}: cannot write", path);
  f << calibration_to_json(c, g).dump(1) << "\n";
  if (!f) return error(Code::kIo, "{}: write failed", path);
  return Status::ok();
}

namespace {

Expected<double> number(const nlohmann::json& o, const char* key, const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0) {
    return error(Code::kParseError, "{}: \"{}\" must be a finite non-negative number", where, key);
  }
  return it->get<double>();
}

Expected<EncodingOption> read_option(const nlohmann::json& e, const std::string& where) {
  if (!e.is_object() || !e.contains("encoding") || !e["encoding"].is_string()) {
    return error(Code::kParseError, "{}: an encoding entry needs an \"encoding\" name", where);
  }
  EncodingOption o;
  o.name = e["encoding"].get<std::string>();
  const std::string at = where + ", encoding '" + o.name + "'";
  EDGECUT_ASSIGN_OR_RETURN(o.bytes, number(e, "mean_bytes", at));
  EDGECUT_ASSIGN_OR_RETURN(double enc, number(e, "encode_ms", at));
  EDGECUT_ASSIGN_OR_RETURN(double dec, number(e, "decode_ms", at));
  if (enc > 1e9 || dec > 1e9) return error(Code::kParseError, "{}: codec time out of range", at);
  o.encode_ns = std::llround(enc * 1e6);
  o.decode_ns = std::llround(dec * 1e6);
  EDGECUT_ASSIGN_OR_RETURN(o.fidelity.max_rel_err, number(e, "max_rel_err", at));
  EDGECUT_ASSIGN_OR_RETURN(o.fidelity.top1, number(e, "top1", at));
  EDGECUT_ASSIGN_OR_RETURN(o.fidelity.top5, number(e, "top5", at));
  auto cos = e.find("cosine");
  if (cos == e.end() || !cos->is_number() || !std::isfinite(cos->get<double>())) {
    return error(Code::kParseError, "{}: \"cosine\" must be a finite number", at);
  }
  o.fidelity.cosine = cos->get<double>();
  if (auto t = e.find("task"); t != e.end()) {  // older files have no task measures
    if (!t->is_string()) return error(Code::kParseError, "{}: \"task\" must be a string", at);
    o.fidelity.task = t->get<std::string>();
    EDGECUT_ASSIGN_OR_RETURN(o.fidelity.task_f1, number(e, "task_f1", at));
    EDGECUT_ASSIGN_OR_RETURN(o.fidelity.task_min_f1, number(e, "task_min_f1", at));
  }
  return o;
}

Expected<Calibration> parse_calibration_json(const std::string& text, const std::string& path,
                                             const graph::Graph& g) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || j.value("kind", "") != "edgecut-calibration" ||
      !j.contains("model_hash") || !j["model_hash"].is_string() || !j.contains("tensors") ||
      !j["tensors"].is_array()) {
    return error(Code::kParseError, "{}: not a calibration file (see `edgecut calibrate MODEL -o FILE`)",
                 path);
  }
  Calibration c;
  c.model = j.value("model", "?");
  c.model_hash = j["model_hash"].get<std::string>();
  if (c.model_hash != g.structure_hash()) {
    return error(
        Code::kInvalidArgument,
        "{}: calibration is for model '{}' (hash {}), not for '{}' (hash {}); run `edgecut calibrate` for "
        "this model",
        path, c.model, c.model_hash, g.name, g.structure_hash());
  }
  c.source = j.value("source", "");
  c.frames = j.value("frames", 0);
  for (const auto& t : j["tensors"]) {
    if (!t.is_object() || !t.contains("value") || !t["value"].is_string() || !t.contains("encodings") ||
        !t["encodings"].is_array()) {
      return error(Code::kParseError, "{}: a tensor entry needs \"value\" and \"encodings\"", path);
    }
    const std::string name = t["value"].get<std::string>();
    const std::string where = path + ", tensor '" + name + "'";
    CalibratedTensor ct;
    for (graph::ValueId x = 0; x < g.num_values(); ++x) {
      if (g.values[x].name == name && !g.values[x].is_weight) ct.value = x;
    }
    if (ct.value < 0)
      return error(Code::kInvalidArgument, "{}: model '{}' has no such tensor", where, g.name);
    ct.fp32_bytes = g.values[ct.value].bytes;
    for (const auto& e : t["encodings"]) {
      EDGECUT_ASSIGN_OR_RETURN(EncodingOption o, read_option(e, where));
      ct.encodings.push_back(std::move(o));
    }
    c.tensors.push_back(std::move(ct));
  }
  return c;
}

}  // namespace

Expected<Calibration> read_calibration(const std::string& path, const graph::Graph& g) {
  EDGECUT_ASSIGN_OR_RETURN(std::string text,
                           read_bounded_file(path, "calibration file", kMaxCalibrationBytes));
  return parse_calibration_text(text, path, g);
}

Expected<Calibration> parse_calibration_text(const std::string& text, const std::string& path,
                                             const graph::Graph& g) {
  try {
    return parse_calibration_json(text, path, g);
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong type (value<T>())
    return error(Code::kParseError, "{}: {}", path, e.what());
  }
}

EncodingTable make_table(const Calibration& cal, const graph::Graph& g,
                         const std::vector<std::string>& allowed, const FidelityBound& bound) {
  EncodingTable t;
  t.options.resize(g.values.size());
  for (const CalibratedTensor& ct : cal.tensors) {
    for (const EncodingOption& o : ct.encodings) {
      const bool named =
          allowed.empty() || std::find(allowed.begin(), allowed.end(), o.name) != allowed.end();
      if (named && o.name != "fp32" && bound.admits(o.fidelity)) t.options[ct.value].push_back(o);
    }
  }
  return t;
}

}  // namespace edgecut::partition
