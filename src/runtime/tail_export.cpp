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

namespace edgecut::runtime {

namespace {

const char* triton_type(graph::DType t) {
  switch (t) {
    case graph::DType::kFloat:
      return "TYPE_FP32";
    case graph::DType::kFloat16:
      return "TYPE_FP16";
    case graph::DType::kDouble:
      return "TYPE_FP64";
    case graph::DType::kUInt8:
      return "TYPE_UINT8";
    case graph::DType::kInt8:
      return "TYPE_INT8";
    case graph::DType::kInt32:
      return "TYPE_INT32";
    case graph::DType::kInt64:
      return "TYPE_INT64";
    case graph::DType::kBool:
      return "TYPE_BOOL";
    default:
      return "TYPE_INVALID";
  }
}

std::string tensors(const char* kind, const graph::Graph& g, const std::vector<graph::ValueId>& values) {
  std::string s = fmt::format("{} [\n", kind);
  for (size_t i = 0; i < values.size(); ++i) {
    const graph::Value& v = g.values[values[i]];
    s += fmt::format("  {{\n    name: \"{}\"\n    data_type: {}\n    dims: [ {} ]\n  }}{}\n", v.name,
                     triton_type(v.dtype), fmt::join(v.shape, ", "), i + 1 < values.size() ? "," : "");
  }
  return s + "]\n";
}

std::string inputs_text(const std::vector<TailInput>& inputs) {
  std::string s = "input [\n";
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TailInput& t = inputs[i];
    // A scalar (int8 scale / zero point) travels as [1], reshaped to rank 0.
    const std::string dims =
        t.dims.empty() ? "1 ]\n    reshape: { shape: [ ]" : fmt::format("{}", fmt::join(t.dims, ", "));
    s += fmt::format("  {{\n    name: \"{}\"\n    data_type: {}\n    dims: [ {} }}\n  }}{}\n", t.name,
                     t.triton_type, dims, i + 1 < inputs.size() ? "," : "");
  }
  return s + "]\n";
}

// Rewrites the tail's inputs for a plan's encodings; appends ".enc-..." to the name.
Status apply_encodings(const graph::Graph& g, const PlanEncodings& enc, onnx::ModelProto* sub,
                       std::vector<TailInput>* inputs, std::string* name) {
  std::string suffix;
  for (const auto& [x, text] : enc) {
    if (text == "fp32") continue;
    EDGECUT_ASSIGN_OR_RETURN(codec::Encoding e, codec::parse_encoding(text));
    if (std::none_of(inputs->begin(), inputs->end(),
                     [&](const TailInput& t) { return t.name == g.values[x].name; })) {
      continue;  // read by no tail node (a graph output made on the edge)
    }
    EDGECUT_RETURN_IF_ERROR(accept_encoding(sub, g.values[x].name, e, inputs).with_context(*name));
    suffix += (suffix.empty() ? "" : "-") + e.name();
  }
  if (!suffix.empty()) *name += ".enc-" + suffix;
  return Status::ok();
}

Status write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  return f ? Status::ok() : error(Code::kIo, "{}: cannot write", path);
}

}  // namespace

std::string triton_config(const std::string& name, const graph::Graph& g, const graph::SegmentInfo& tail,
                          const std::vector<graph::ValueId>& outputs) {
  // max_batch_size 0: dims are the full shapes, batch included, as the edge sends them.
  return fmt::format("name: \"{}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 0\n{}{}", name,
                     tensors("input", g, tail.inputs), tensors("output", g, outputs));
}

Expected<std::vector<ExportedTail>> export_tails(const graph::Model& model, const std::string& model_name,
                                                 const std::vector<std::vector<graph::NodeId>>& edge_sets,
                                                 const std::string& repo,
                                                 const std::vector<PlanEncodings>& encodings) {
  const graph::Graph& g = model.graph;
  std::vector<ExportedTail> out;
  std::set<std::string> done;
  for (size_t k = 0; k < edge_sets.size(); ++k) {
    const auto& edge = edge_sets[k];
    EDGECUT_RETURN_IF_ERROR(graph::check_predecessor_closed(g, edge));
    const std::vector<graph::NodeId> cloud = graph::complement(g, edge);
    if (cloud.empty()) continue;  // edge-only: nothing runs in the cloud
    std::string name = edge.empty() ? model_name : net::tail_model_name(model_name, edge);
    const graph::SegmentInfo info = graph::describe_segment(g, cloud);
    EDGECUT_ASSIGN_OR_RETURN(onnx::ModelProto sub, engine::extract_submodel(model, info));
    std::vector<TailInput> inputs;
    for (graph::ValueId x : info.inputs)
      inputs.push_back({g.values[x].name, triton_type(g.values[x].dtype), g.values[x].shape});
    if (k < encodings.size()) EDGECUT_RETURN_IF_ERROR(apply_encodings(g, encodings[k], &sub, &inputs, &name));
    if (!done.insert(name).second) continue;
    std::vector<graph::ValueId> outs;
    for (graph::ValueId x : g.outputs) {
      if (std::find(info.outputs.begin(), info.outputs.end(), x) != info.outputs.end()) outs.push_back(x);
    }
    ExportedTail t{name, repo + "/" + name, static_cast<int>(inputs.size()), static_cast<int>(outs.size()),
                   static_cast<int>(cloud.size())};
    std::error_code ec;
    std::filesystem::create_directories(t.dir + "/1", ec);
    if (ec) return error(Code::kIo, "{}: cannot create: {}", t.dir, ec.message());
    std::string bytes;
    if (!sub.SerializeToString(&bytes)) return error(Code::kInternal, "{}: cannot serialize the tail", name);
    EDGECUT_RETURN_IF_ERROR(write_text(t.dir + "/1/model.onnx", bytes));
    const std::string config =
        fmt::format("name: \"{}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 0\n{}{}", name,
                    inputs_text(inputs), tensors("output", g, outs));
    EDGECUT_RETURN_IF_ERROR(write_text(t.dir + "/config.pbtxt", config));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace edgecut::runtime
