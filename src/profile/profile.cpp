#include "profile/profile.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/file.h"

namespace edgecut::profile {

Expected<Profile> estimate(const graph::Graph& g, const std::string& device, double gflops,
                           double overhead_us) {
  if (!(gflops > 0) || !std::isfinite(gflops)) {
    return error(Code::kInvalidArgument, "--gflops must be a positive number, got {}", gflops);
  }
  if (!(overhead_us >= 0) || !std::isfinite(overhead_us)) {
    return error(Code::kInvalidArgument, "--overhead-us must be non-negative, got {}", overhead_us);
  }
  Profile p;
  p.device = device;
  p.method = "estimate";
  p.model = g.name;
  p.model_hash = g.structure_hash();
  p.node_ms.resize(g.nodes.size());
  for (size_t v = 0; v < g.nodes.size(); ++v) {
    p.node_ms[v] = g.flops[v] / (gflops * 1e9) * 1e3 + overhead_us / 1e3;
  }
  p.extra = {{"gflops", gflops}, {"overhead_us", overhead_us}};
  return p;
}

std::vector<double> side_ms(const Profile& p, const graph::Graph& g, Side side) {
  std::vector<double> ms = p.node_ms;
  // extra comes from a file as any JSON object: a non-number here is no term.
  const auto it = p.extra.is_object() ? p.extra.find("split_overhead_ms") : p.extra.end();
  const double run = it != p.extra.end() && it->is_number() ? it->get<double>() : 0.0;
  if (!(run > 0) || g.topo.empty() || ms.size() != g.topo.size()) return ms;
  double& w = ms[side == Side::kEdge ? g.topo.back() : g.topo.front()];
  w = std::max(0.0, w - run);
  return ms;
}

nlohmann::json to_json(const Profile& p, const graph::Graph& g) {
  nlohmann::json nodes = nlohmann::json::array();
  for (size_t v = 0; v < p.node_ms.size(); ++v) {
    nodes.push_back({{"id", v}, {"name", g.nodes[v].name}, {"op", g.nodes[v].op}, {"ms", p.node_ms[v]}});
  }
  double total = 0;
  for (double ms : p.node_ms) total += ms;
  return {{"format", kFormat},
          {"version", kVersion},
          {"device", p.device},
          {"method", p.method},
          {"threads", p.threads},
          {"engine", p.engine},
          {"engine_options", p.engine_options},
          {"model", p.model},
          {"model_hash", p.model_hash},
          {"num_nodes", p.node_ms.size()},
          {"total_ms", total},
          {"nodes", nodes},
          {"extra", p.extra}};
}

Status save(const Profile& p, const graph::Graph& g, const std::string& path) {
  std::ofstream out(path);
  if (!out) return error(Code::kIo, "{}: cannot open for writing", path);
  out << to_json(p, g).dump(1) << "\n";
  if (!out) return error(Code::kIo, "{}: write failed", path);
  return Status::ok();
}

Expected<Profile> load_for(const std::string& path, const graph::Graph& g) {
  EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(path, "profile", kMaxProfileBytes));
  return parse_for(text, path, g);
}

Expected<Profile> parse_for(const std::string& text, const std::string& path, const graph::Graph& g) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return error(Code::kParseError, "{}: not a JSON object", path);
  auto field = [&](const char* name) -> const nlohmann::json* {
    auto it = j.find(name);
    return it == j.end() ? nullptr : &*it;
  };
  const auto* fmt_field = field("format");
  if (!fmt_field || !fmt_field->is_string() || fmt_field->get<std::string>() != kFormat) {
    return error(Code::kParseError, "{}: not an edgecut profile (field 'format' must be \"{}\")", path,
                 kFormat);
  }
  const auto* ver = field("version");
  if (!ver || !ver->is_number_integer() || ver->get<int>() != kVersion) {
    return error(Code::kUnsupported, "{}: profile version {} not supported (expected {})", path,
                 ver ? ver->dump() : "missing", kVersion);
  }
  Profile p;
  auto get_string = [&](const char* name, std::string* out) {
    if (const auto* f = field(name); f && f->is_string()) *out = f->get<std::string>();
  };
  get_string("device", &p.device);
  get_string("method", &p.method);
  get_string("model", &p.model);
  get_string("model_hash", &p.model_hash);
  get_string("engine", &p.engine);
  get_string("engine_options", &p.engine_options);
  if (const auto* t = field("threads"); t && t->is_number_integer()) p.threads = t->get<int>();
  if (const auto* e = field("extra"); e && e->is_object()) p.extra = *e;
  const std::string hash = g.structure_hash();
  if (p.model_hash != hash) {
    return error(Code::kFailedPrecondition,
                 "{}: profile is for model '{}' (hash {}), not '{}' (hash {}); re-run edgecut profile", path,
                 p.model, p.model_hash, g.name, hash);
  }
  const auto* nodes = field("nodes");
  if (!nodes || !nodes->is_array())
    return error(Code::kParseError, "{}: field 'nodes' must be an array", path);
  if (nodes->size() != g.nodes.size()) {
    return error(Code::kFailedPrecondition, "{}: profile has {} nodes, model '{}' has {}", path,
                 nodes->size(), g.name, g.nodes.size());
  }
  p.node_ms.assign(g.nodes.size(), 0.0);
  for (size_t i = 0; i < nodes->size(); ++i) {
    const auto& n = (*nodes)[i];
    if (!n.is_object() || !n.contains("id") || !n["id"].is_number_integer() || !n.contains("ms") ||
        !n["ms"].is_number()) {
      return error(Code::kParseError, "{}: nodes[{}] needs integer 'id' and number 'ms'", path, i);
    }
    int64_t id = n["id"].get<int64_t>();
    double ms = n["ms"].get<double>();
    if (id < 0 || id >= static_cast<int64_t>(g.nodes.size())) {
      return error(Code::kParseError, "{}: nodes[{}].id {} out of range", path, i, id);
    }
    if (n.contains("name") && n["name"].is_string() && n["name"].get<std::string>() != g.nodes[id].name) {
      return error(Code::kFailedPrecondition, "{}: nodes[{}] is '{}' but node {} of the model is '{}'", path,
                   i, n["name"].get<std::string>(), id, g.nodes[id].name);
    }
    if (!std::isfinite(ms) || ms < 0) {
      return error(Code::kParseError, "{}: node '{}' has invalid time {} ms", path, g.nodes[id].name, ms);
    }
    p.node_ms[id] = ms;
  }
  return p;
}

}  // namespace edgecut::profile
