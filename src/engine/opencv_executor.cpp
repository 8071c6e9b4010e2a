#include "engine/opencv_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>

#include "exec/split_run.h"

namespace edgecut::engine {

using exec::DType;
using exec::SegmentId;
using exec::Tensor;
using graph::check_node_ids;
using graph::describe_segment;
using graph::NodeId;
using graph::ValueId;

struct OpenCvExecutor::Segment {
  graph::SegmentInfo info;
  cv::dnn::Net net;
  std::vector<std::string> forward_names;  // per info.outputs: OpenCV pin name
  std::vector<NodeId> layer_node;          // per Net::getLayerNames() entry: our node, or kNoNode
  std::mutex run_mu;                       // cv::dnn::Net is not reentrant
  bool has_run = false;
};

namespace {

// "onnx_node!n12" or "onnx_node!n12/extra" -> 12; kNoNode otherwise. OpenCV
// names the layers it adds for a node after the node, so the prefix decides.
NodeId node_of_layer(const std::string& layer) {
  constexpr std::string_view kPrefix = "onnx_node!n";
  auto at = layer.find(kPrefix);
  if (at == std::string::npos) return graph::kNoNode;
  size_t i = at + kPrefix.size();
  int64_t v = 0;
  size_t digits = 0;
  while (i < layer.size() && std::isdigit(static_cast<unsigned char>(layer[i])) && digits < 10) {
    v = v * 10 + (layer[i] - '0');
    ++i;
    ++digits;
  }
  return digits ? static_cast<NodeId>(v) : graph::kNoNode;
}

// OpenCV messages span lines and repeat "OpenCV(4.6.0) /path:line: error:";
// one line is enough for a CLI error.
std::string one_line(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '>') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string shape_str(const std::vector<int64_t>& s) { return fmt::format("[{}]", exec::shape_str(s)); }

// Nodes of the segment whose output OpenCV would fold a following affine layer
// into (Conv + BatchNormalization, Conv + Mul / Add by a constant: the importer
// rewrites the weights). Folding rounds differently from running the layer, so
// a plan that cuts between the two would not reproduce the whole model. Asking
// forward() for such an output keeps it materialised, in every segment alike.
// Exact fusions (activations, eltwise Add of two activations) are untouched.
std::vector<NodeId> fold_blockers(const graph::Graph& g, const graph::SegmentInfo& seg) {
  std::vector<char> in(g.num_nodes(), 0);
  for (NodeId v : seg.nodes) in[v] = 1;
  std::vector<NodeId> out;
  for (NodeId v : seg.nodes) {
    const std::string& op = g.nodes[v].op;
    if (op != "Conv" && op != "ConvTranspose" && op != "Gemm" && op != "MatMul") continue;
    if (g.nodes[v].outputs.size() != 1) continue;
    const ValueId x = g.nodes[v].outputs[0];
    if (std::find(seg.outputs.begin(), seg.outputs.end(), x) != seg.outputs.end()) continue;  // kept anyway
    bool blocks = false;
    for (NodeId w : g.values[x].consumers) {
      if (!in[w]) continue;
      const graph::Node& c = g.nodes[w];
      bool has_weight = false;
      for (ValueId y : c.inputs) has_weight |= g.values[y].is_weight;
      blocks |= c.op == "BatchNormalization" ||
                (has_weight && (c.op == "Mul" || c.op == "Add" || c.op == "Sub" || c.op == "Div"));
    }
    if (blocks) out.push_back(v);
  }
  return out;
}

// cv::setNumThreads tears down and rebuilds OpenCV's (TBB) thread pool even
// when the count does not change, which crashes a forward running on another
// thread at that moment (found by `edgecut bench load` against a server with
// two engine slots). So it is called only when the count changes, once per
// change, under a process-wide lock.
void set_opencv_threads(int threads) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (cv::getNumThreads() != threads) cv::setNumThreads(threads);
}

}  // namespace

OpenCvExecutor::OpenCvExecutor(const graph::Model& model, const EngineOptions& options)
    : model_(model), options_(options) {}

OpenCvExecutor::~OpenCvExecutor() = default;

OpenCvExecutor::Segment* OpenCvExecutor::get(SegmentId id) const { return segments_.get(id); }

const graph::SegmentInfo& OpenCvExecutor::info(SegmentId id) const { return segments_.info(id); }

Status OpenCvExecutor::map_cv_error(const std::string& what, const char* stage) const {
  const graph::Graph& g = model_.graph;
  NodeId v = node_of_layer(what);
  std::string msg = one_line(what);
  if (v != graph::kNoNode && v < g.num_nodes()) {
    return error(Code::kUnsupported, "{}: OpenCV DNN cannot {} node '{}' ({}): {}", g.name, stage,
                 g.nodes[v].name, g.nodes[v].op, msg);
  }
  return error(Code::kUnsupported, "{}: OpenCV DNN cannot {} the segment: {}", g.name, stage, msg);
}

Expected<std::unique_ptr<OpenCvExecutor::Segment>> OpenCvExecutor::build(
    const std::vector<NodeId>& nodes) const {
  const graph::Graph& g = model_.graph;
  auto s = std::make_unique<Segment>();
  s->info = describe_segment(g, nodes);
  for (const auto* list : {&s->info.inputs, &s->info.outputs}) {
    for (ValueId x : *list) {
      const graph::Value& val = g.values[x];
      if (val.dtype != graph::DType::kFloat) {
        NodeId v = val.producer != graph::kNoNode ? val.producer : g.values[x].consumers.front();
        return error(Code::kUnsupported,
                     "{}: segment boundary tensor '{}' (node '{}') is {}; the OpenCV engine exchanges "
                     "float32 tensors only",
                     g.name, val.name, g.nodes[v].name, graph::dtype_name(val.dtype));
      }
    }
  }
  EDGECUT_ASSIGN_OR_RETURN(onnx::ModelProto sub, extract_submodel(model_, s->info));
  EDGECUT_RETURN_IF_ERROR(clean_for_opencv(&sub).with_context(g.name));
  std::string bytes;  // not kept: the net holds its own copy of the weights
  if (!sub.SerializeToString(&bytes)) {
    return error(Code::kInternal, "{}: cannot serialize the sub-model (over 2 GiB?)", g.name);
  }
  sub = onnx::ModelProto();
  try {
    s->net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
    s->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    s->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    for (const auto& layer : s->net.getLayerNames()) s->layer_node.push_back(node_of_layer(layer));
  } catch (const cv::Exception& e) {
    return map_cv_error(e.what(), "import");
  } catch (const std::exception& e) {
    return map_cv_error(e.what(), "import");
  }
  // OpenCV's forward() takes layer names ("layer" = output 0, "layer.k" = output k).
  for (ValueId x : s->info.outputs) {
    NodeId v = g.values[x].producer;
    const auto& outs = g.nodes[v].outputs;
    size_t k = static_cast<size_t>(std::find(outs.begin(), outs.end(), x) - outs.begin());
    std::string layer = "onnx_node!" + submodel_node_name(v);
    s->forward_names.push_back(k == 0 ? layer : fmt::format("{}.{}", layer, k));
  }
  if (options_.exact_splits) {
    for (NodeId v : fold_blockers(g, s->info))
      s->forward_names.push_back("onnx_node!" + submodel_node_name(v));
  }
  if (options_.validate_on_prepare) {
    EDGECUT_ASSIGN_OR_RETURN(std::vector<Tensor> zeros, exec::zero_tensors(g, s->info.inputs));
    std::vector<Tensor> outs;
    EDGECUT_RETURN_IF_ERROR(forward(*s, zeros, &outs, true));
  }
  return s;
}

Expected<SegmentId> OpenCvExecutor::prepare(const std::vector<NodeId>& nodes) {
  return segments_.prepare(model_.graph, nodes,
                           [this](const std::vector<NodeId>& key) { return build(key); });
}

Status OpenCvExecutor::forward(Segment& s, const std::vector<Tensor>& inputs, std::vector<Tensor>* outputs,
                               bool first_run) const {
  const graph::Graph& g = model_.graph;
  EDGECUT_ASSIGN_OR_RETURN(std::vector<const Tensor*> given, exec::match_inputs(g, s.info.inputs, inputs));
  std::vector<cv::Mat> blobs;
  for (const Tensor* t : given) {
    if (t->dtype() != DType::kFloat) {
      return error(Code::kUnsupported, "{}: input '{}' is {}; the OpenCV engine takes float32 inputs only",
                   g.name, t->name(), graph::dtype_name(t->dtype()));
    }
    std::vector<int> sizes(t->shape().begin(), t->shape().end());
    if (sizes.empty()) sizes.push_back(1);
    // Wraps the caller's data without a copy; setInput copies it into the net.
    blobs.emplace_back(static_cast<int>(sizes.size()), sizes.data(), CV_32F, const_cast<uint8_t*>(t->data()));
  }
  std::vector<cv::Mat> outs;
  try {
    set_opencv_threads(options_.threads);
    for (size_t i = 0; i < blobs.size(); ++i) s.net.setInput(blobs[i], given[i]->name());
    s.net.forward(outs, s.forward_names);
  } catch (const cv::Exception& e) {
    return first_run ? map_cv_error(e.what(), "run")
                     : error(Code::kInternal, "{}: OpenCV forward failed: {}", g.name, one_line(e.what()));
  } catch (const std::exception& e) {
    return error(Code::kInternal, "{}: OpenCV forward failed: {}", g.name, e.what());
  }
  if (outs.size() < s.info.outputs.size()) {
    return error(Code::kInternal, "{}: OpenCV returned {} outputs, expected {}", g.name, outs.size(),
                 s.info.outputs.size());
  }
  outputs->clear();
  for (size_t i = 0; i < s.info.outputs.size(); ++i) {  // the rest are fold blockers
    const graph::Value& val = g.values[s.info.outputs[i]];
    cv::Mat m = outs[i].isContinuous() ? outs[i] : outs[i].clone();
    if (m.type() != CV_32F || static_cast<int64_t>(m.total()) != exec::element_count(val.shape)) {
      NodeId v = val.producer;
      return error(
          first_run ? Code::kUnsupported : Code::kInternal,
          "{}: OpenCV computed {} values of type {} for '{}' (node '{}', {}), but shape inference says "
          "{} float32",
          g.name, m.total(), m.type(), val.name, g.nodes[v].name, g.nodes[v].op, shape_str(val.shape));
    }
    EDGECUT_ASSIGN_OR_RETURN(
        Tensor t,
        Tensor::from_floats(val.name, val.shape, std::span<const float>(m.ptr<float>(), m.total())));
    outputs->push_back(std::move(t));
  }
  s.has_run = true;
  return Status::ok();
}

Status OpenCvExecutor::run(SegmentId id, const std::vector<Tensor>& inputs, std::vector<Tensor>* outputs) {
  Segment* s = get(id);
  if (s == nullptr)
    return error(Code::kInvalidArgument, "segment id {} was not prepared by this executor", id);
  std::lock_guard<std::mutex> lock(s->run_mu);
  return forward(*s, inputs, outputs, false);
}

Expected<std::vector<double>> OpenCvExecutor::last_run_node_ms(SegmentId id) {
  Segment* s = get(id);
  if (s == nullptr)
    return error(Code::kInvalidArgument, "segment id {} was not prepared by this executor", id);
  std::lock_guard<std::mutex> lock(s->run_mu);
  if (!s->has_run) return error(Code::kFailedPrecondition, "segment {} has not run yet", id);
  std::vector<double> ticks;
  try {
    s->net.getPerfProfile(ticks);
  } catch (const cv::Exception& e) {
    return error(Code::kInternal, "OpenCV getPerfProfile failed: {}", one_line(e.what()));
  }
  std::vector<double> ms(model_.graph.num_nodes(), 0.0);
  const double ms_per_tick = 1000.0 / cv::getTickFrequency();
  // getPerfProfile and getLayerNames both skip the input layer (id 0).
  for (size_t i = 0; i < ticks.size() && i < s->layer_node.size(); ++i) {
    NodeId v = s->layer_node[i];
    if (v != graph::kNoNode && v < model_.graph.num_nodes()) ms[v] += ticks[i] * ms_per_tick;
  }
  return ms;
}

Expected<std::string> OpenCvExecutor::serialized(SegmentId id) const {
  Segment* s = get(id);
  if (s == nullptr)
    return error(Code::kInvalidArgument, "segment id {} was not prepared by this executor", id);
  EDGECUT_ASSIGN_OR_RETURN(onnx::ModelProto sub, extract_submodel(model_, s->info));
  EDGECUT_RETURN_IF_ERROR(clean_for_opencv(&sub).with_context(model_.graph.name));
  std::string bytes;
  if (!sub.SerializeToString(&bytes)) return error(Code::kInternal, "cannot serialize the sub-model");
  return bytes;
}

}  // namespace edgecut::engine
