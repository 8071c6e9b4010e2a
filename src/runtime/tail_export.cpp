#include "runtime/tail_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "engine/submodel.h"
#include "graph/segment.h"
#include "net/tail_name.h"
#include "runtime/tail_encoding.h"
#include "runtime/triton_config.h"

namespace edgecut::runtime {

namespace {

// Rewrites the tail's inputs for a plan's encodings; appends ".enc-..." to the name.
Status apply_encodings(const graph::Graph& g, const PlanEncodings& enc, TailModel* t) {
  std::string suffix;
  for (const auto& [x, text] : enc) {
    if (text == "fp32") continue;
    EDGECUT_ASSIGN_OR_RETURN(codec::Encoding e, codec::parse_encoding(text));
    if (std::none_of(t->inputs.begin(), t->inputs.end(),
                     [&](const TailInput& in) { return in.name == g.values[x].name; })) {
      continue;  // read by no tail node (a graph output made on the edge)
    }
    EDGECUT_RETURN_IF_ERROR(
        accept_encoding(&t->model, g.values[x].name, e, &t->inputs).with_context(t->name));
    suffix += (suffix.empty() ? "" : "-") + e.name();
    t->encodings += fmt::format("{}{}={}", t->encodings.empty() ? "" : ",", g.values[x].name, e.name());
  }
  if (!suffix.empty()) t->name += ".enc-" + suffix;
  return Status::ok();
}

Status write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
  return f ? Status::ok() : error(Code::kIo, "{}: cannot write", path);
}

Status write_entry(const TailModel& t, const std::string& dir, const inference::ModelConfig& config) {
  std::error_code ec;
  std::filesystem::create_directories(dir + "/1", ec);
  if (ec) return error(Code::kIo, "{}: cannot create: {}", dir, ec.message());
  std::string bytes;
  if (!t.model.SerializeToString(&bytes))
    return error(Code::kInternal, "{}: cannot serialize the model", t.name);
  EDGECUT_RETURN_IF_ERROR(write_file(dir + "/1/model.onnx", bytes));
  return write_file(dir + "/config.pbtxt", config_text(config));
}

}  // namespace

Expected<TailModel> build_tail(const graph::Model& model, const std::string& model_name,
                               const std::vector<graph::NodeId>& edge, const PlanEncodings& encodings) {
  const graph::Graph& g = model.graph;
  const std::vector<graph::NodeId> cloud = graph::complement(g, edge);
  if (cloud.empty()) return error(Code::kInvalidArgument, "{}: an edge-only plan has no tail", model_name);
  TailModel t;
  t.name = edge.empty() ? model_name : net::tail_model_name(model_name, edge);
  t.nodes = static_cast<int>(cloud.size());
  const graph::SegmentInfo info = graph::describe_segment(g, cloud);
  if (edge.empty()) {
    // The whole model as it was imported, so that it imports again to the
    // same graph and structure hash (a cut-out copy may order values anew).
    t.model = model.proto;
  } else {
    EDGECUT_ASSIGN_OR_RETURN(t.model, engine::extract_submodel(model, info));
  }
  for (graph::ValueId x : info.inputs)
    t.inputs.push_back({g.values[x].name, triton_type(g.values[x].dtype), g.values[x].shape});
  EDGECUT_RETURN_IF_ERROR(apply_encodings(g, encodings, &t));
  for (graph::ValueId x : g.outputs) {
    if (std::find(info.outputs.begin(), info.outputs.end(), x) != info.outputs.end()) t.outputs.push_back(x);
  }
  return t;
}

Expected<std::vector<ExportedTail>> export_tails(const graph::Model& model, const std::string& model_name,
                                                 const std::vector<std::vector<graph::NodeId>>& edge_sets,
                                                 const std::string& repo,
                                                 const std::vector<PlanEncodings>& encodings) {
  const graph::Graph& g = model.graph;
  const std::string hash = g.structure_hash();
  std::vector<ExportedTail> out;
  std::set<std::string> done;
  // The whole model first: an edge asks for it by name (cloud-only plans,
  // its metadata and structure hash), so a repository is useless without it.
  std::vector<std::vector<graph::NodeId>> sets{{}};
  sets.insert(sets.end(), edge_sets.begin(), edge_sets.end());
  for (size_t k = 0; k < sets.size(); ++k) {
    const auto& edge = sets[k];
    EDGECUT_RETURN_IF_ERROR(graph::check_predecessor_closed(g, edge));
    if (edge.size() == static_cast<size_t>(g.num_nodes())) continue;  // edge-only: no tail
    static const PlanEncodings kNone;
    const PlanEncodings& enc = k > 0 && k - 1 < encodings.size() ? encodings[k - 1] : kNone;
    EDGECUT_ASSIGN_OR_RETURN(TailModel t, build_tail(model, model_name, edge, enc));
    if (!done.insert(t.name).second) continue;
    ConfigInfo info;
    info.model_hash = hash;
    info.encodings = t.encodings;
    if (!edge.empty() || !t.encodings.empty()) {
      info.base_model = model_name;
      info.edge_nodes = edge.empty() ? std::string() : net::format_node_ranges(edge);
    }
    ExportedTail e{t.name, repo + "/" + t.name, static_cast<int>(t.inputs.size()),
                   static_cast<int>(t.outputs.size()), t.nodes};
    EDGECUT_RETURN_IF_ERROR(write_entry(t, e.dir, make_config(t.name, g, t.inputs, t.outputs, info)));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace edgecut::runtime
