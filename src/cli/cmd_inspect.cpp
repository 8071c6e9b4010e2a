// edgecut inspect MODEL [--json] [--dot FILE] [--plan FILE [--index N]]
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "graph/segment.h"
#include "graph/structure.h"
#include "partition/plan_io.h"

namespace edgecut::cli {
namespace {

struct InspectArgs {
  std::string model;
  bool json = false;
  std::string dot;
  std::string plan;
  int index = 0;
};

// One stored plan laid over the model: which nodes run on the edge and how
// each tensor that crosses to the cloud is encoded.
struct PlanOverlay {
  bool on = false;
  std::string title;
  std::vector<char> edge;                      // per node
  std::vector<graph::ValueId> up;              // crossing edge -> cloud, ascending
  std::map<graph::ValueId, std::string> sent;  // crossing tensor -> encoding
};

Expected<PlanOverlay> load_overlay(const InspectArgs& a, const graph::Graph& g) {
  PlanOverlay o;
  if (a.plan.empty()) return o;
  EDGECUT_ASSIGN_OR_RETURN(std::vector<partition::StoredPlan> plans, partition::read_plan_file(a.plan, g));
  if (a.index < 0 || a.index >= static_cast<int>(plans.size())) {
    return error(Code::kInvalidArgument, "{}: --index {} is out of range (the file holds {} plans)", a.plan,
                 a.index, plans.size());
  }
  const partition::StoredPlan& p = plans[static_cast<size_t>(a.index)];
  o.on = true;
  o.title = fmt::format("plan {} of {} ({}, planned for {:.3g} Mbit/s)", a.index, a.plan, p.algo,
                        p.bandwidth_bps / 1e6);
  o.edge = graph::node_mask(g, p.edge_nodes);
  o.up = graph::crossings(g, o.edge).up;
  for (graph::ValueId x : o.up) o.sent[x] = "fp32";
  for (const auto& [x, enc] : p.cut_encodings) o.sent[x] = enc;
  return o;
}

nlohmann::json overlay_json(const graph::Graph& g, const PlanOverlay& o) {
  nlohmann::json sends = nlohmann::json::array();
  for (graph::ValueId x : o.up) {
    sends.push_back(
        {{"id", x}, {"name", g.values[x].name}, {"bytes", g.values[x].bytes}, {"encoding", o.sent.at(x)}});
  }
  return {{"title", o.title}, {"edge_nodes", graph::mask_nodes(o.edge)}, {"sends", sends}};
}

void print_overlay(const graph::Graph& g, const PlanOverlay& o) {
  int n = 0;
  for (char c : o.edge) n += c;
  fmt::print("\n{}: {} of {} nodes on the edge\n", o.title, n, g.num_nodes());
  if (o.up.empty()) fmt::print("  sends nothing to the cloud (edge-only)\n");
  for (graph::ValueId x : o.up) {
    fmt::print("  sends {} [{}] {} bytes as fp32, encoded as {}\n", g.values[x].name,
               fmt::join(g.values[x].shape, "x"), g.values[x].bytes, o.sent.at(x));
  }
}

nlohmann::json inspect_json(const graph::Graph& g, const graph::Structure& s) {
  nlohmann::json nodes = nlohmann::json::array();
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) {
    const auto& n = g.nodes[v];
    nodes.push_back({{"id", v},
                     {"name", n.name},
                     {"op", n.op},
                     {"inputs", n.inputs},
                     {"outputs", n.outputs},
                     {"flops", g.flops[v]}});
  }
  nlohmann::json values = nlohmann::json::array();
  for (graph::ValueId x = 0; x < g.num_values(); ++x) {
    const auto& val = g.values[x];
    values.push_back({{"id", x},
                      {"name", val.name},
                      {"bytes", val.bytes},
                      {"producer", val.producer},
                      {"consumers", val.consumers},
                      {"is_weight", val.is_weight},
                      {"dtype", graph::dtype_name(val.dtype)},
                      {"shape", val.shape}});
  }
  nlohmann::json blocks = nlohmann::json::array();
  for (int k = 0; k < s.num_blocks(); ++k) {
    auto interior = s.block_interior(k);
    auto id = [&s](int32_t v) { return v >= s.n ? -1 : v; };  // -1: virtual source / sink
    blocks.push_back(
        {{"from", id(s.order[s.cut_pos[k]])}, {"to", id(s.order[s.cut_pos[k + 1]])}, {"interior", interior}});
  }
  return {{"name", g.name},
          {"nodes", nodes},
          {"values", values},
          {"inputs", g.inputs},
          {"outputs", g.outputs},
          {"topo", g.topo},
          {"cut_vertices", s.cut_vertices()},
          {"blocks", blocks},
          {"hash", g.structure_hash()}};
}

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The label of the edge u -> w: tensor sizes, and with a plan the crossing
// tensors' names and encodings (u = -1: the graph input).
std::string edge_label(const graph::Graph& g, const PlanOverlay& o, int32_t u, int32_t w, bool* crosses) {
  int64_t bytes = 0;
  std::string sent;
  const std::vector<graph::ValueId>& xs = u < 0 ? g.inputs : g.nodes[u].outputs;
  for (graph::ValueId x : xs) {
    const auto& c = g.values[x].consumers;
    if (std::find(c.begin(), c.end(), w) == c.end()) continue;
    bytes += g.values[x].bytes;
    if (o.on && o.sent.count(x) && !o.edge[w])
      sent += fmt::format("\\n{} as {}", dot_escape(g.values[x].name), o.sent.at(x));
  }
  *crosses = !sent.empty();
  std::string size = bytes >= 1 << 20 ? fmt::format("{:.1f} MB", bytes / 1048576.0)
                                      : fmt::format("{:.1f} kB", bytes / 1024.0);
  return dot_escape(size) + sent;
}

// Blocks between cut vertices become clusters; edges carry tensor sizes. With
// a plan, edge nodes are green (cut vertices outlined) and the edges that
// cross to the cloud red, labelled with what is sent.
Status write_dot(const graph::Graph& g, const graph::Structure& s, const PlanOverlay& o,
                 const std::string& path) {
  std::ofstream out(path);
  if (!out) return error(Code::kIo, "{}: cannot open for writing", path);
  out << "digraph \"" << dot_escape(g.name) << "\" {\n  rankdir=TB;\n  node [shape=box, style=filled, "
      << "fontname=Helvetica, fontsize=10];\n";
  auto node_line = [&](int32_t v, bool cut) {
    const char* fill = o.on ? (o.edge[v] ? "#c7e9c0" : "#e9f5ff") : cut ? "#f4a261" : "#e9f5ff";
    out << fmt::format("  n{} [label=\"{}\\n{}\", fillcolor=\"{}\"{}];\n", v, dot_escape(g.nodes[v].name),
                       g.nodes[v].op, fill, o.on && cut ? ", penwidth=3" : "");
  };
  if (o.on) out << fmt::format("  label=\"{} (green: edge)\"; labelloc=t;\n", dot_escape(o.title));
  out << "  src [label=\"input\", shape=oval, fillcolor=\"#cccccc\"];\n"
      << "  snk [label=\"output\", shape=oval, fillcolor=\"#cccccc\"];\n";
  for (int k = 0; k < s.num_blocks(); ++k) {
    auto interior = s.block_interior(k);
    if (!interior.empty()) {
      out << fmt::format(
          "  subgraph cluster_{} {{\n    label=\"block {}\"; style=dashed; color=\"#888888\";\n", k, k);
      for (int32_t v : interior) node_line(v, false);
      out << "  }\n";
    }
    int32_t c = s.order[s.cut_pos[k + 1]];
    if (c < s.n) node_line(c, true);
  }
  auto vname = [&s](int32_t v) {
    return v == s.source() ? std::string("src") : v == s.sink() ? std::string("snk") : fmt::format("n{}", v);
  };
  for (int32_t u = 0; u < s.n + 2; ++u) {
    for (int32_t w : s.succ(u)) {
      std::string label;
      bool crosses = false;
      if (w < s.n && (u < s.n || u == s.source())) label = edge_label(g, o, u < s.n ? u : -1, w, &crosses);
      out << fmt::format("  {} -> {} [label=\"{}\", fontsize=8{}];\n", vname(u), vname(w), label,
                         crosses ? ", color=\"#d62728\", fontcolor=\"#d62728\", penwidth=2" : "");
    }
  }
  out << "}\n";
  if (!out) return error(Code::kIo, "{}: write failed", path);
  return Status::ok();
}

void print_human(const graph::Graph& g, const graph::Structure& s) {
  double flops = 0;
  for (double f : g.flops) flops += f;
  int64_t act_bytes = 0, weight_bytes = 0;
  for (const auto& v : g.values) (v.is_weight ? weight_bytes : act_bytes) += v.bytes;
  size_t biggest = 0;
  for (int k = 0; k < s.num_blocks(); ++k) biggest = std::max(biggest, s.block_interior(k).size());
  fmt::print("model      {}\nnodes      {}\nvalues     {} ({:.1f} MB activations, {:.1f} MB weights)\n",
             g.name, g.num_nodes(), g.num_values(), act_bytes / 1e6, weight_bytes / 1e6);
  for (graph::ValueId x : g.inputs) {
    fmt::print("input      {} [{}] {} bytes\n", g.values[x].name, fmt::join(g.values[x].shape, "x"),
               g.values[x].bytes);
  }
  for (graph::ValueId x : g.outputs) {
    fmt::print("output     {} [{}] {} bytes\n", g.values[x].name, fmt::join(g.values[x].shape, "x"),
               g.values[x].bytes);
  }
  fmt::print("GFLOPs     {:.3f}\ncut verts  {}\nblocks     {} (largest interior: {} nodes)\n\n", flops / 1e9,
             s.cut_vertices().size(), s.num_blocks(), biggest);
  fmt::print("{:>5} {:<32} {:<18} {:>12} {:>10}  {}\n", "id", "name", "op", "out bytes", "MFLOPs", "cut");
  std::vector<char> is_cut(s.n + 2, 0);
  for (int32_t p : s.cut_pos) is_cut[s.order[p]] = 1;
  for (graph::NodeId v : g.topo) {
    int64_t out_bytes = 0;
    for (graph::ValueId x : g.nodes[v].outputs) out_bytes += g.values[x].bytes;
    std::string name = g.nodes[v].name.size() > 32 ? g.nodes[v].name.substr(0, 29) + "..." : g.nodes[v].name;
    fmt::print("{:>5} {:<32} {:<18} {:>12} {:>10.2f}  {}\n", v, name, g.nodes[v].op, out_bytes,
               g.flops[v] / 1e6, is_cut[v] ? "*" : "");
  }
}

}  // namespace

void register_inspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* sub =
      app.add_subcommand("inspect", "Show a model's nodes, tensors, FLOPs, cut vertices and blocks");
  sub->add_option("model", args->model, kModelHelp)->required();
  sub->add_flag("--json", args->json, "Machine-readable output on stdout");
  sub->add_option("--dot", args->dot, "Write a Graphviz file with the blocks drawn as clusters");
  sub->add_option("--plan", args->plan,
                  "A plan file (edgecut plan -o): show its edge nodes and the tensors it sends, with their "
                  "encodings (in --dot: edge nodes green, crossing edges red)");
  sub->add_option("--index", args->index, "Which plan of --plan")->capture_default_str();
  sub->callback([args] {
    auto model = load_model_arg(args->model);
    if (!model) finish(report_error("inspect", model.status()));
    const graph::Graph& g = model->graph;
    graph::Structure s = graph::analyze(g);
    auto overlay = load_overlay(*args, g);
    if (!overlay) finish(report_error("inspect", overlay.status()));
    if (!args->dot.empty()) {
      Status st = write_dot(g, s, *overlay, args->dot);
      if (!st.is_ok()) finish(report_error("inspect", st));
    }
    if (args->json) {
      nlohmann::json j = inspect_json(g, s);
      j["shapes_from_run"] = model->shapes_from_run;
      if (overlay->on) j["plan"] = overlay_json(g, *overlay);
      std::cout << j.dump() << "\n";
    } else {
      print_human(g, s);
      if (overlay->on) print_overlay(g, *overlay);
      if (model->shapes_from_run > 0) {
        fmt::print(
            "\nnote: static shape inference left {} value shape(s) unknown; they were recorded by running "
            "the model once on ONNX Runtime with zero inputs\n",
            model->shapes_from_run);
      }
    }
  });
}

}  // namespace edgecut::cli
