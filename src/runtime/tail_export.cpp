#include "runtime/tail_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "engine/submodel.h"
#include "graph/segment.h"
#include "net/tail_name.h"

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
                                                 const std::string& repo) {
  const graph::Graph& g = model.graph;
  std::vector<ExportedTail> out;
  std::set<std::string> done;
  for (const auto& edge : edge_sets) {
    EDGECUT_RETURN_IF_ERROR(graph::check_predecessor_closed(g, edge));
    const std::vector<graph::NodeId> cloud = graph::complement(g, edge);
    if (cloud.empty()) continue;  // edge-only: nothing runs in the cloud
    const std::string name = edge.empty() ? model_name : net::tail_model_name(model_name, edge);
    if (!done.insert(name).second) continue;
    const graph::SegmentInfo info = graph::describe_segment(g, cloud);
    EDGECUT_ASSIGN_OR_RETURN(onnx::ModelProto sub, engine::extract_submodel(model, info));
    std::vector<graph::ValueId> outs;
    for (graph::ValueId x : g.outputs) {
      if (std::find(info.outputs.begin(), info.outputs.end(), x) != info.outputs.end()) outs.push_back(x);
    }
    ExportedTail t{name, repo + "/" + name, static_cast<int>(info.inputs.size()),
                   static_cast<int>(outs.size()), static_cast<int>(cloud.size())};
    std::error_code ec;
    std::filesystem::create_directories(t.dir + "/1", ec);
    if (ec) return error(Code::kIo, "{}: cannot create: {}", t.dir, ec.message());
    std::string bytes;
    if (!sub.SerializeToString(&bytes)) return error(Code::kInternal, "{}: cannot serialize the tail", name);
    EDGECUT_RETURN_IF_ERROR(write_text(t.dir + "/1/model.onnx", bytes));
    EDGECUT_RETURN_IF_ERROR(write_text(t.dir + "/config.pbtxt", triton_config(name, g, info, outs)));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace edgecut::runtime
