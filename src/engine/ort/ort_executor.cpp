#include "engine/ort/ort_executor.h"

#include <fmt/format.h>
#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <cstring>
#include <exception>

#include "engine/submodel.h"
#include "exec/split_run.h"

namespace edgecut::engine {

using exec::SegmentId;
using exec::Tensor;
using graph::NodeId;
using graph::ValueId;

struct OrtExecutor::Segment {
  graph::SegmentInfo info;
  std::unique_ptr<Ort::Session> session;
  std::vector<std::string> input_names, output_names;  // info order
  std::vector<const char*> input_ptrs, output_ptrs;
};

namespace {

// One ORT environment per process (it owns logging and the default allocator);
// never destroyed, so sessions closed from static destructors stay valid.
Ort::Env& ort_env() {
  static Ort::Env* env = new Ort::Env(ORT_LOGGING_LEVEL_ERROR, "edgecut");
  return *env;
}

Ort::SessionOptions session_options(const EngineOptions& o) {
  Ort::SessionOptions so;
  so.SetIntraOpNumThreads(o.threads);
  so.SetInterOpNumThreads(1);
  so.SetExecutionMode(ORT_SEQUENTIAL);
  so.SetGraphOptimizationLevel(static_cast<GraphOptimizationLevel>(o.ort_opt_level));
  so.AddConfigEntry("session.intra_op.allow_spinning", o.ort_allow_spinning ? "1" : "0");
  so.AddConfigEntry("session.inter_op.allow_spinning", "0");
  return so;
}

Ort::MemoryInfo& cpu_memory() {
  static Ort::MemoryInfo* m =
      new Ort::MemoryInfo(Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault));
  return *m;
}

// Wraps a tensor's bytes as an ORT input without a copy (ORT does not write
// inputs; the const_cast is what its C API asks for).
Ort::Value input_value(const Tensor& t) {
  return Ort::Value::CreateTensor(cpu_memory().GetConst(), const_cast<uint8_t*>(t.data()), t.bytes(),
                                  t.shape().data(), t.shape().size(),
                                  static_cast<ONNXTensorElementDataType>(t.dtype()));
}

// Copies an ORT output into an owned tensor named `name`.
Expected<Tensor> to_tensor(const Ort::Value& v, const std::string& name) {
  if (!v.IsTensor()) return error(Code::kUnsupported, "output '{}' is not a tensor", name);
  auto info = v.GetTensorTypeAndShapeInfo();
  const auto dtype = static_cast<graph::DType>(info.GetElementType());
  if (graph::dtype_size(dtype) <= 0) {
    return error(Code::kUnsupported, "output '{}' has element type {}, which edgecut does not carry", name,
                 static_cast<int>(dtype));
  }
  EDGECUT_ASSIGN_OR_RETURN(Tensor t, Tensor::make(name, dtype, info.GetShape()));
  if (t.bytes()) std::memcpy(t.mutable_data(), v.GetTensorRawData(), t.bytes());
  return t;
}

std::string shape_text(const std::vector<int64_t>& s) { return fmt::format("[{}]", exec::shape_str(s)); }

}  // namespace

OrtExecutor::OrtExecutor(const graph::Model& model, const EngineOptions& options)
    : model_(model), options_(options) {}

OrtExecutor::~OrtExecutor() = default;

OrtExecutor::Segment* OrtExecutor::get(SegmentId id) const { return segments_.get(id); }

const graph::SegmentInfo& OrtExecutor::info(SegmentId id) const { return segments_.info(id); }

Expected<std::unique_ptr<OrtExecutor::Segment>> OrtExecutor::build(const std::vector<NodeId>& nodes) const {
  const graph::Graph& g = model_.graph;
  auto s = std::make_unique<Segment>();
  s->info = graph::describe_segment(g, nodes);
  std::string bytes;
  {
    EDGECUT_ASSIGN_OR_RETURN(onnx::ModelProto sub, extract_submodel(model_, s->info));
    if (!sub.SerializeToString(&bytes)) {
      return error(Code::kInternal, "{}: cannot serialize the sub-model (over 2 GiB?)", g.name);
    }
  }
  try {
    s->session =
        std::make_unique<Ort::Session>(ort_env(), bytes.data(), bytes.size(), session_options(options_));
  } catch (const std::exception& e) {
    return error(Code::kUnsupported, "{}: ONNX Runtime cannot load the segment of {} nodes (first '{}'): {}",
                 g.name, s->info.nodes.size(), g.nodes[s->info.nodes.front()].name, e.what());
  }
  for (ValueId x : s->info.inputs) s->input_names.push_back(g.values[x].name);
  for (ValueId x : s->info.outputs) s->output_names.push_back(g.values[x].name);
  for (const auto& n : s->input_names) s->input_ptrs.push_back(n.c_str());
  for (const auto& n : s->output_names) s->output_ptrs.push_back(n.c_str());
  // Zeros are no stand-in for shape tensors (an int64 Reshape target of zeros
  // fails where the real one works): validate segments with float inputs only.
  bool all_float = true;
  for (ValueId x : s->info.inputs) all_float &= g.values[x].dtype == graph::DType::kFloat;
  if (options_.validate_on_prepare && all_float) {
    EDGECUT_ASSIGN_OR_RETURN(std::vector<Tensor> zeros, exec::zero_tensors(g, s->info.inputs));
    std::vector<Tensor> outs;
    EDGECUT_RETURN_IF_ERROR(forward(*s, zeros, &outs, true));
  }
  return s;
}

Expected<SegmentId> OrtExecutor::prepare(const std::vector<NodeId>& nodes) {
  return segments_.prepare(model_.graph, nodes,
                           [this](const std::vector<NodeId>& key) { return build(key); });
}

Status OrtExecutor::forward(Segment& s, const std::vector<Tensor>& inputs, std::vector<Tensor>* outputs,
                            bool first_run) const {
  const graph::Graph& g = model_.graph;
  EDGECUT_ASSIGN_OR_RETURN(std::vector<const Tensor*> given, exec::match_inputs(g, s.info.inputs, inputs));
  std::vector<Ort::Value> in;
  in.reserve(given.size());
  for (const Tensor* t : given) in.push_back(input_value(*t));
  std::vector<Ort::Value> out;
  try {
    out = s.session->Run(Ort::RunOptions{nullptr}, s.input_ptrs.data(), in.data(), in.size(),
                         s.output_ptrs.data(), s.output_ptrs.size());
  } catch (const std::exception& e) {
    return error(first_run ? Code::kUnsupported : Code::kInternal, "{}: ONNX Runtime run failed: {}", g.name,
                 e.what());
  }
  outputs->clear();
  for (size_t i = 0; i < s.info.outputs.size(); ++i) {
    const graph::Value& val = g.values[s.info.outputs[i]];
    EDGECUT_ASSIGN_OR_RETURN(Tensor t, to_tensor(out[i], val.name));
    if (t.shape() != val.shape || t.dtype() != val.dtype) {
      NodeId v = val.producer;
      return error(first_run ? Code::kUnsupported : Code::kInternal,
                   "{}: ONNX Runtime computed {} of shape {} for '{}' (node '{}', {}), but the model says {} "
                   "of shape {}",
                   g.name, graph::dtype_name(t.dtype()), shape_text(t.shape()), val.name, g.nodes[v].name,
                   g.nodes[v].op, graph::dtype_name(val.dtype), shape_text(val.shape));
    }
    outputs->push_back(std::move(t));
  }
  return Status::ok();
}

Status OrtExecutor::run(SegmentId id, const std::vector<Tensor>& inputs, std::vector<Tensor>* outputs) {
  Segment* s = get(id);
  if (s == nullptr)
    return error(Code::kInvalidArgument, "segment id {} was not prepared by this executor", id);
  return forward(*s, inputs, outputs, false);
}

Expected<std::vector<double>> OrtExecutor::last_run_node_ms(SegmentId id) {
  if (get(id) == nullptr)
    return error(Code::kInvalidArgument, "segment id {} was not prepared by this executor", id);
  return error(Code::kUnsupported,
               "{}: ONNX Runtime fuses and renames nodes, so it has no per-layer times; use the `segment` "
               "profiling method (or --engine opencv)",
               model_.graph.name);
}

Expected<std::vector<Tensor>> ort_run_model(const onnx::ModelProto& model, const std::vector<Tensor>& inputs,
                                            const std::vector<std::string>& outputs,
                                            const EngineOptions& options) {
  onnx::ModelProto m = model;
  {
    std::vector<std::string> have;
    for (const auto& o : m.graph().output()) have.push_back(o.name());
    for (const auto& name : outputs) {
      if (std::find(have.begin(), have.end(), name) == have.end())
        m.mutable_graph()->add_output()->set_name(name);
    }
  }
  std::string bytes;
  if (!m.SerializeToString(&bytes)) return error(Code::kInternal, "cannot serialize the model (over 2 GiB?)");
  m = onnx::ModelProto();
  std::vector<Ort::Value> in;
  std::vector<const char*> in_names, out_names;
  for (const Tensor& t : inputs) {
    in.push_back(input_value(t));
    in_names.push_back(t.name().c_str());
  }
  for (const auto& n : outputs) out_names.push_back(n.c_str());
  std::vector<Ort::Value> out;
  try {
    Ort::Session session(ort_env(), bytes.data(), bytes.size(), session_options(options));
    out = session.Run(Ort::RunOptions{nullptr}, in_names.data(), in.data(), in.size(), out_names.data(),
                      out_names.size());
  } catch (const std::exception& e) {
    return error(Code::kUnsupported, "ONNX Runtime cannot run the model: {}", e.what());
  }
  std::vector<Tensor> result;
  for (size_t i = 0; i < out.size(); ++i) {
    EDGECUT_ASSIGN_OR_RETURN(Tensor t, to_tensor(out[i], outputs[i]));
    result.push_back(std::move(t));
  }
  return result;
}

}  // namespace edgecut::engine
