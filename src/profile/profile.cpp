#include "profile/profile.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

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
  const std::vector<double>& own = side == Side::kEdge ? p.head_ms : p.tail_ms;
  if (!own.empty() && own.size() == p.node_ms.size()) return own;
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
  const bool sided = p.head_ms.size() == p.node_ms.size() && p.tail_ms.size() == p.node_ms.size();
  for (size_t v = 0; v < p.node_ms.size(); ++v) {
    nodes.push_back({{"id", v}, {"name", g.nodes[v].name}, {"op", g.nodes[v].op}, {"ms", p.node_ms[v]}});
    if (sided) {
      nodes.back()["head_ms"] = p.head_ms[v];
      nodes.back()["tail_ms"] = p.tail_ms[v];
    }
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

namespace {

// One node's time under `key`: absent is nullopt; present, it must be a
// finite, non-negative number.
Expected<std::optional<double>> node_time(const nlohmann::json& n, const char* key, const std::string& path,
                                          const std::string& node) {
  auto it = n.find(key);
  if (it == n.end()) return std::optional<double>();
  const double ms = it->is_number() ? it->get<double>() : std::nan("");
  if (!std::isfinite(ms) || ms < 0) {
    return error(Code::kParseError, "{}: node '{}' has invalid {} {}", path, node, key, it->dump());
  }
  return std::optional<double>(ms);
}

// The "nodes" array: one entry per model node, matched by id and name.
Status parse_nodes(const nlohmann::json& nodes, const std::string& path, const graph::Graph& g, Profile* p) {
  if (nodes.size() != g.nodes.size()) {
    return error(Code::kFailedPrecondition, "{}: profile has {} nodes, model '{}' has {}", path, nodes.size(),
                 g.name, g.nodes.size());
  }
  const size_t n_nodes = g.nodes.size();
  p->node_ms.assign(n_nodes, 0.0);
  std::vector<double> head(n_nodes, 0.0), tail(n_nodes, 0.0);
  size_t sided = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    if (!n.is_object() || !n.contains("id") || !n["id"].is_number_integer() || !n.contains("ms") ||
        !n["ms"].is_number()) {
      return error(Code::kParseError, "{}: nodes[{}] needs integer 'id' and number 'ms'", path, i);
    }
    const int64_t id = n["id"].get<int64_t>();
    if (id < 0 || id >= static_cast<int64_t>(n_nodes)) {
      return error(Code::kParseError, "{}: nodes[{}].id {} out of range", path, i, id);
    }
    const std::string& name = g.nodes[id].name;
    if (n.contains("name") && n["name"].is_string() && n["name"].get<std::string>() != name) {
      return error(Code::kFailedPrecondition, "{}: nodes[{}] is '{}' but node {} of the model is '{}'", path,
                   i, n["name"].get<std::string>(), id, name);
    }
    EDGECUT_ASSIGN_OR_RETURN(std::optional<double> ms, node_time(n, "ms", path, name));
    EDGECUT_ASSIGN_OR_RETURN(std::optional<double> h, node_time(n, "head_ms", path, name));
    EDGECUT_ASSIGN_OR_RETURN(std::optional<double> t, node_time(n, "tail_ms", path, name));
    if (h.has_value() != t.has_value()) {
      return error(Code::kParseError, "{}: node '{}' has one of 'head_ms' and 'tail_ms' without the other",
                   path, name);
    }
    p->node_ms[id] = *ms;
    if (h) head[id] = *h, tail[id] = *t, ++sided;
  }
  if (sided != 0 && sided != n_nodes) {
    return error(Code::kParseError, "{}: {} of {} nodes have 'head_ms' and 'tail_ms' (all or none)", path,
                 sided, n_nodes);
  }
  if (sided != 0) p->head_ms = std::move(head), p->tail_ms = std::move(tail);
  return Status::ok();
}

}  // namespace

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
  EDGECUT_RETURN_IF_ERROR(parse_nodes(*nodes, path, g, &p));
  return p;
}

}  // namespace edgecut::profile
