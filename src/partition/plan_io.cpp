#include "partition/plan_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/file.h"
#include "graph/segment.h"

namespace edgecut::partition {

nlohmann::json plan_to_json(const Plan& p, const graph::Graph& g) {
  std::vector<std::string> node_names, value_names;
  for (auto v : p.edge_nodes) node_names.push_back(g.nodes[v].name);
  for (auto x : p.cut_values) value_names.push_back(g.values[x].name);
  int64_t cut_bytes = 0;
  for (auto x : p.cut_values) cut_bytes += g.values[x].bytes;
  const auto& b = p.predicted;
  nlohmann::json j = {{"algo", p.algo},
                      {"bandwidth_bps", p.bandwidth_bps},
                      {"edge_nodes", p.edge_nodes},
                      {"edge_node_names", node_names},
                      {"cut_values", p.cut_values},
                      {"cut_value_names", value_names},
                      {"cut_bytes", cut_bytes},
                      {"cut_encodings", p.cut_encodings},
                      {"cut_encoded_bytes", p.cut_encoded_bytes},
                      {"reverse_values", p.reverse_values},
                      {"valid", p.valid()},
                      {"mispriced", p.mispriced()},
                      {"claimed_ms", ms_from_ns(p.claimed_ns)},
                      {"predicted",
                       {{"edge_ms", ms_from_ns(b.edge_ns)},
                        {"transfer_ms", ms_from_ns(b.transfer_ns())},
                        {"uplink_ms", ms_from_ns(b.uplink_ns)},
                        {"downlink_ms", ms_from_ns(b.downlink_ns)},
                        {"rtt_ms", ms_from_ns(b.rtt_ns)},
                        {"cloud_ms", ms_from_ns(b.cloud_ns)},
                        {"total_ms", ms_from_ns(b.total_ns)}}},
                      {"solve_us", p.solve_us}};
  // Stream figures for every plan; the objective says which one the plan minimised.
  j["objective"] = p.objective == Objective::kLatency ? "latency" : "throughput";
  j["predicted"]["bottleneck_ms"] = ms_from_ns(bottleneck_ns(b));
  j["predicted"]["frames_per_s"] = bottleneck_ns(b) > 0 ? 1e9 / static_cast<double>(bottleneck_ns(b)) : 0.0;
  if (p.objective == Objective::kThroughput) {
    j["exact"] = p.exact;
    j["lower_bound_ms"] = ms_from_ns(p.lower_bound_ns);
  }
  return j;
}

nlohmann::json plan_file_json(const graph::Graph& g, const nlohmann::json& plans) {
  return {{"model", g.name}, {"model_hash", g.structure_hash()}, {"plans", plans}};
}

Status write_plan_file(const std::string& path, const nlohmann::json& file) {
  std::ofstream f(path);
  if (!f) return error(Code::kIo, "{}: cannot write", path);
  f << file.dump(1) << "\n";
  if (!f) return error(Code::kIo, "{}: write failed", path);
  return Status::ok();
}

namespace {

// "cut_encodings" (optional; absent: everything fp32), parallel to
// "cut_value_names". The names are checked by the codec that uses them.
Status read_encodings(const std::string& path, size_t i, const nlohmann::json& p, const graph::Graph& g,
                      StoredPlan* s) {
  const auto enc = p.find("cut_encodings");
  if (enc == p.end()) return Status::ok();
  const auto names = p.find("cut_value_names");
  if (!enc->is_array() || names == p.end() || !names->is_array() || names->size() != enc->size()) {
    return error(Code::kParseError,
                 "{}: plan {}: \"cut_encodings\" must be an array as long as \"cut_value_names\"", path, i);
  }
  for (size_t k = 0; k < enc->size(); ++k) {
    if (!(*enc)[k].is_string() || !(*names)[k].is_string()) {
      return error(Code::kParseError, "{}: plan {}: cut_encodings / cut_value_names hold a non-string", path,
                   i);
    }
    const std::string name = (*names)[k].get<std::string>();
    ValueId id = -1;
    for (ValueId x = 0; x < g.num_values() && id < 0; ++x) {
      if (g.values[x].name == name) id = x;
    }
    if (id < 0)
      return error(Code::kInvalidArgument, "{}: plan {}: no tensor '{}' in model '{}'", path, i, name,
                   g.name);
    s->cut_encodings.emplace_back(id, (*enc)[k].get<std::string>());
  }
  return Status::ok();
}

Expected<StoredPlan> read_one(const std::string& path, size_t i, const nlohmann::json& p,
                              const graph::Graph& g) {
  if (!p.is_object()) return error(Code::kParseError, "{}: plan {} is not an object", path, i);
  StoredPlan s;
  s.algo = p.contains("algo") && p["algo"].is_string() ? p["algo"].get<std::string>() : "?";
  if (p.contains("bandwidth_bps") && p["bandwidth_bps"].is_number()) s.bandwidth_bps = p["bandwidth_bps"];
  if (!p.contains("edge_nodes") || !p["edge_nodes"].is_array()) {
    return error(Code::kParseError, "{}: plan {} has no \"edge_nodes\" array", path, i);
  }
  for (const auto& v : p["edge_nodes"]) {
    if (!v.is_number_integer())
      return error(Code::kParseError, "{}: plan {}: edge_nodes holds a non-integer", path, i);
    const int64_t id = v.get<int64_t>();
    if (id < 0 || id >= g.num_nodes()) {
      return error(Code::kInvalidArgument,
                   "{}: plan {}: node id {} is out of range: model '{}' has {} nodes (0..{})", path, i, id,
                   g.name, g.num_nodes(), g.num_nodes() - 1);
    }
    s.edge_nodes.push_back(static_cast<NodeId>(id));
  }
  const auto names = p.find("edge_node_names");
  if (names != p.end() && names->is_array() && names->size() == s.edge_nodes.size()) {
    for (size_t k = 0; k < s.edge_nodes.size(); ++k) {
      const auto& n = (*names)[k];
      if (n.is_string() && n.get<std::string>() != g.nodes[s.edge_nodes[k]].name) {
        return error(Code::kInvalidArgument, "{}: edge node {} is '{}' in the plan but '{}' in the model",
                     path, s.edge_nodes[k], n.get<std::string>(), g.nodes[s.edge_nodes[k]].name);
      }
    }
  }
  EDGECUT_RETURN_IF_ERROR(graph::check_predecessor_closed(g, s.edge_nodes).with_context(path));
  s.edge_nodes = graph::mask_nodes(graph::node_mask(g, s.edge_nodes));
  EDGECUT_RETURN_IF_ERROR(read_encodings(path, i, p, g, &s));
  return s;
}

}  // namespace

Expected<std::vector<StoredPlan>> read_plan_file(const std::string& path, const graph::Graph& g) {
  EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(path, "plan file", kMaxPlanFileBytes));
  return parse_plan_text(text, path, g);
}

Expected<std::vector<StoredPlan>> parse_plan_text(const std::string& text, const std::string& path,
                                                  const graph::Graph& g) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return error(Code::kParseError, "{}: not a JSON object", path);
  if (!j.contains("model_hash") || !j["model_hash"].is_string() || !j.contains("plans") ||
      !j["plans"].is_array()) {
    return error(Code::kParseError,
                 "{}: not a plan file (needs \"model_hash\" and \"plans\"; see `edgecut plan -o`)", path);
  }
  const std::string hash = j["model_hash"].get<std::string>();
  if (hash != g.structure_hash()) {
    std::string other = j.contains("model") && j["model"].is_string() ? j["model"].get<std::string>() : "?";
    return error(
        Code::kInvalidArgument,
        "{}: plan is for model '{}' (hash {}), not for '{}' (hash {}); re-plan with `edgecut plan MODEL -o "
        "...`",
        path, other, hash, g.name, g.structure_hash());
  }
  std::vector<StoredPlan> out;
  for (size_t i = 0; i < j["plans"].size(); ++i) {
    EDGECUT_ASSIGN_OR_RETURN(StoredPlan s, read_one(path, i, j["plans"][i], g));
    out.push_back(std::move(s));
  }
  return out;
}

Expected<ProfileEngines> read_profile_engines(const std::string& path) {
  EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(path, "plan file", kMaxPlanFileBytes));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return error(Code::kParseError, "{}: not a JSON object", path);
  ProfileEngines e;
  auto it = j.find("profile_engines");
  if (it == j.end() || !it->is_object()) return e;
  if (it->contains("edge") && (*it)["edge"].is_string()) e.edge = (*it)["edge"].get<std::string>();
  if (it->contains("cloud") && (*it)["cloud"].is_string()) e.cloud = (*it)["cloud"].get<std::string>();
  return e;
}

std::string engine_mismatch_warning(const ProfileEngines& e, const std::string& engine) {
  std::string sides;
  for (const auto& [side, by] : {std::pair{"edge", e.edge}, std::pair{"cloud", e.cloud}}) {
    if (!by.empty() && by != engine)
      sides += fmt::format("{}{} profile measured on {}", sides.empty() ? "" : ", ", side, by);
  }
  if (sides.empty()) return "";
  return fmt::format(
      "the plan was made from profiles of another engine ({}) but runs on {}: its predicted "
      "latencies do not apply (re-profile with --engine {})",
      sides, engine, engine);
}

}  // namespace edgecut::partition
