// size: the import in named steps (read, build, guard, infer, resolve shapes);
// just over the limit since --input-shape and the fuzzing guards landed.
#include "graph/onnx_import.h"

#include <onnx/shape_inference/implementation.h>

#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "graph/flops.h"
#include "graph/onnx_guard.h"

namespace edgecut::graph {
namespace {

namespace fs = std::filesystem;

bool supported_dtype(int32_t t) { return dtype_size(static_cast<DType>(t)) > 0; }

std::string dims_text(const onnx::TensorShapeProto& s) {
  std::string out;
  for (const auto& d : s.dim()) {
    if (!out.empty()) out += 'x';
    out += d.has_dim_value() ? std::to_string(d.dim_value()) : d.has_dim_param() ? d.dim_param() : "?";
  }
  return out;
}

// Sets an input's shape from --input-shape; the rank and static dims must agree.
Status bind_input(onnx::ValueInfoProto* in, const std::vector<int64_t>& dims, const std::string& label) {
  auto* shape = in->mutable_type()->mutable_tensor_type()->mutable_shape();
  const std::string declared = dims_text(*shape);
  if (shape->dim_size() != static_cast<int>(dims.size())) {
    return error(Code::kInvalidArgument,
                 "{}: --input-shape gives '{}' {} dims, but the model declares {} ({})", label, in->name(),
                 dims.size(), shape->dim_size(), declared);
  }
  for (int i = 0; i < shape->dim_size(); ++i) {
    auto* d = shape->mutable_dim(i);
    if (dims[i] < 1) {
      return error(Code::kInvalidArgument, "{}: --input-shape for '{}': dim {} must be >= 1", label,
                   in->name(), i);
    }
    if (d->has_dim_value() && d->dim_value() != dims[i]) {
      return error(Code::kInvalidArgument,
                   "{}: --input-shape gives '{}' dim {} = {}, but the model fixes it to {} ({})", label,
                   in->name(), i, dims[i], d->dim_value(), declared);
    }
    d->set_dim_value(dims[i]);
  }
  return Status::ok();
}

// Binds symbolic / unknown dims of activation graph inputs so inference can
// run: options.input_shapes first, then a leading (batch) dim to options.batch;
// any other symbol is refused with a hint.
Status pin_input_dims(onnx::GraphProto* g, const std::unordered_set<std::string>& inits,
                      const ImportOptions& options, const std::string& label) {
  std::unordered_set<std::string> inputs;
  std::string names;
  for (const auto& in : g->input()) {
    if (inits.count(in.name()) || !in.type().has_tensor_type()) continue;
    inputs.insert(in.name());
    names += (names.empty() ? "" : ", ") + in.name();
  }
  for (const auto& [name, dims] : options.input_shapes) {  // typos first: they explain the rest
    if (!inputs.count(name)) {
      return error(Code::kInvalidArgument,
                   "{}: --input-shape names '{}', which is not an input of the model (inputs: {})", label,
                   name, names);
    }
  }
  for (auto& in : *g->mutable_input()) {
    if (!inputs.count(in.name())) continue;
    if (auto it = options.input_shapes.find(in.name()); it != options.input_shapes.end()) {
      EDGECUT_RETURN_IF_ERROR(bind_input(&in, it->second, label));
      continue;
    }
    auto* shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto* d = shape->mutable_dim(i);
      if (d->has_dim_value()) continue;
      if (i == 0) {
        d->set_dim_value(options.batch);
        continue;
      }
      return error(Code::kFailedPrecondition,
                   "{}: input '{}' has a symbolic dimension '{}' (dim {} of {}); bind it with --input-shape "
                   "{}=DIMS ({} positive integers joined by 'x')",
                   label, in.name(), d->has_dim_param() ? d->dim_param() : "?", i, dims_text(*shape),
                   in.name(), shape->dim_size());
    }
  }
  return Status::ok();
}

Status check_external_data(const onnx::GraphProto& g, const fs::path& base_dir, const std::string& label) {
  for (const auto& t : g.initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) continue;
    std::string location;
    for (const auto& kv : t.external_data()) {
      if (kv.key() == "location") location = kv.value();
    }
    if (location.empty()) {
      return error(Code::kUnsupported, "{}: initializer '{}' uses external data without a location", label,
                   t.name());
    }
    fs::path p = base_dir / location;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
      return error(Code::kNotFound, "{}: initializer '{}' keeps its weights in '{}', which cannot be read",
                   label, t.name(), p.string());
    }
  }
  return Status::ok();
}

// Reads the static shape of a ValueInfo; fails naming the value if unknown.
Status read_shape(const onnx::TypeProto& type, const std::string& value, const std::string& label,
                  DType* dtype, std::vector<int64_t>* shape) {
  if (!type.has_tensor_type()) {
    return error(Code::kUnsupported,
                 "{}: value '{}' is not a tensor (sequence / map types are not supported)", label, value);
  }
  const auto& tt = type.tensor_type();
  if (!supported_dtype(tt.elem_type())) {
    return error(Code::kUnsupported, "{}: value '{}' has unsupported element type {}", label, value,
                 tt.elem_type());
  }
  *dtype = static_cast<DType>(tt.elem_type());
  if (!tt.has_shape()) {
    return error(Code::kFailedPrecondition, "{}: the shape of value '{}' cannot be inferred", label, value);
  }
  shape->clear();
  for (const auto& d : tt.shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0) {
      return error(Code::kFailedPrecondition,
                   "{}: value '{}' has a dynamic dimension '{}'; edgecut needs static shapes", label, value,
                   d.has_dim_param() ? d.dim_param() : std::string("?"));
    }
    shape->push_back(d.dim_value());
  }
  return Status::ok();
}

int64_t checked_bytes(const std::vector<int64_t>& shape, DType t) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d != 0 && n > (int64_t{1} << 50) / d) return -1;  // absurd: overflow guard
    n *= d;
  }
  return n * dtype_size(t);
}

// Control flow would hide nodes from the partitioner inside attributes.
Status check_no_subgraphs(const onnx::GraphProto& g, const std::string& label) {
  for (const auto& n : g.node()) {
    // By name too: libonnx 1.12 dereferences null for a Scan without a body
    // (found by fuzz/onnx_import_fuzz.cpp).
    if ((n.domain().empty() || n.domain() == "ai.onnx") &&
        (n.op_type() == "If" || n.op_type() == "Loop" || n.op_type() == "Scan")) {
      return error(Code::kUnsupported, "{}: node '{}' is {}; control flow is not supported", label, n.name(),
                   n.op_type());
    }
    for (const auto& a : n.attribute()) {
      if (a.has_g() || a.graphs_size() > 0) {
        return error(Code::kUnsupported, "{}: node '{}' ({}) has a subgraph; control flow is not supported",
                     label, n.name(), n.op_type());
      }
    }
  }
  return Status::ok();
}

// Every value a node reads must come from somewhere. libonnx 1.12's data
// propagation dereferences null for a value nobody makes (found by
// fuzz/onnx_import_fuzz.cpp: Shape-15 on an undefined value).
Status check_inputs_defined(const onnx::GraphProto& g, const std::string& label) {
  std::unordered_set<std::string> known;
  for (const auto& t : g.initializer()) known.insert(t.name());
  for (const auto& in : g.input()) known.insert(in.name());
  for (const auto& n : g.node()) {
    for (const auto& o : n.output()) known.insert(o);
  }
  for (const auto& n : g.node()) {
    for (const auto& in : n.input()) {
      if (!in.empty() && !known.count(in)) {
        return error(Code::kParseError,
                     "{}: node '{}' ({}) reads '{}', which no node, graph input or initializer makes", label,
                     n.name(), n.op_type(), in);
      }
    }
  }
  return Status::ok();
}

// Constant folding, as far as placement goes: a node that reads only weights
// (Constant, Identity of an initializer, a Reshape of a weight...) computes
// the same thing on both sides, so its outputs are weights and it is no
// compute node. Fixpoint over file order copes with unsorted files.
std::vector<char> constant_nodes(const onnx::GraphProto& g, const std::unordered_set<std::string>& inits) {
  std::unordered_set<std::string> constant(inits.begin(), inits.end());
  std::vector<char> folded(g.node_size(), 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = 0; i < g.node_size(); ++i) {
      const auto& n = g.node(i);
      if (folded[i] || n.op_type().rfind("Random", 0) == 0 || n.op_type() == "Multinomial" ||
          n.op_type() == "Bernoulli") {
        continue;
      }
      bool all_const = true;
      for (const auto& in : n.input()) all_const &= in.empty() || constant.count(in) > 0;
      if (!all_const) continue;
      folded[i] = 1;
      changed = true;
      for (const auto& o : n.output()) constant.insert(o);
    }
  }
  return folded;
}

// Builds values, nodes and graph inputs / outputs (no shapes yet) by name.
class GraphBuilder {
 public:
  GraphBuilder(Graph& graph, const std::string& label) : graph_(graph), label_(label) {}

  Status build(const onnx::GraphProto& g, const std::unordered_set<std::string>& inits) {
    for (const auto& t : g.initializer()) add_initializer(t);
    for (const auto& in : g.input()) {
      if (!inits.count(in.name())) graph_.inputs.push_back(add_value(in.name(), false));
    }
    if (graph_.inputs.empty()) return error(Code::kParseError, "{}: model has no activation input", label_);
    std::vector<char> folded = constant_nodes(g, inits);
    for (int i = 0; i < g.node_size(); ++i) add_node(g.node(i), i, folded[i] != 0);
    for (const auto& out : g.output()) {
      auto it = ids_.find(out.name());
      if (it == ids_.end()) {
        return error(Code::kParseError, "{}: graph output '{}' is produced by no node", label_, out.name());
      }
      graph_.outputs.push_back(it->second);
    }
    return Status::ok();
  }

 private:
  ValueId add_value(const std::string& name, bool weight) {
    auto [it, inserted] = ids_.emplace(name, static_cast<ValueId>(graph_.values.size()));
    if (inserted) {
      Value v;
      v.name = name;
      v.is_weight = weight;
      graph_.values.push_back(std::move(v));
    } else if (weight) {
      graph_.values[it->second].is_weight = true;
    }
    return it->second;
  }

  void add_initializer(const onnx::TensorProto& t) {
    Value& v = graph_.values[add_value(t.name(), true)];
    v.dtype = static_cast<DType>(t.data_type());
    v.shape.assign(t.dims().begin(), t.dims().end());
    v.bytes = supported_dtype(t.data_type()) ? checked_bytes(v.shape, v.dtype) : 0;
  }

  void add_node(const onnx::NodeProto& n, int index, bool folded) {
    if (folded) {
      for (const auto& o : n.output()) add_value(o, true);
      graph_.constant_nodes.push_back(n.name());
      return;
    }
    Node node;
    node.op = n.op_type();
    node.name = n.name().empty() ? fmt::format("{}_{}", n.op_type(), index) : n.name();
    if (!node_names_.insert(node.name).second) {
      node.name = fmt::format("{}__{}", node.name, index);  // keep names unique for plans
      node_names_.insert(node.name);
    }
    for (const auto& in : n.input()) {
      // Omitted optional inputs are empty; forward references are checked
      // after finalize (some later node must produce them).
      if (!in.empty()) node.inputs.push_back(add_value(in, false));
    }
    for (const auto& o : n.output()) {
      if (!o.empty()) node.outputs.push_back(add_value(o, false));
    }
    graph_.nodes.push_back(std::move(node));
  }

  Graph& graph_;
  const std::string& label_;
  std::unordered_map<std::string, ValueId> ids_;
  std::unordered_set<std::string> node_names_;
};

// Copies inferred dtypes and shapes onto the activations; every activation
// must come from a node or be a graph input, and have a static shape.
Status resolve_shapes(const onnx::GraphProto& g, const std::string& label, Graph& graph,
                      std::vector<std::string>* unresolved) {
  std::unordered_map<std::string, const onnx::TypeProto*> types;
  for (const auto& vi : g.input()) types[vi.name()] = &vi.type();
  for (const auto& vi : g.value_info()) types[vi.name()] = &vi.type();
  for (const auto& vi : g.output()) types[vi.name()] = &vi.type();
  Status first_unresolved = Status::ok();
  std::unordered_set<ValueId> input_set(graph.inputs.begin(), graph.inputs.end());
  for (ValueId x = 0; x < graph.num_values(); ++x) {
    Value& v = graph.values[x];
    if (v.is_weight) continue;
    if (v.producer == kNoNode && !input_set.count(x)) {
      std::string user = v.consumers.empty() ? "?" : graph.nodes[v.consumers.front()].name;
      return error(Code::kParseError, "{}: node '{}' reads value '{}', which nothing produces", label, user,
                   v.name);
    }
    auto t = types.find(v.name);
    Status st = Status::ok();
    if (t == types.end()) {
      std::string who = v.producer == kNoNode ? "graph input" : "node '" + graph.nodes[v.producer].name + "'";
      st = error(Code::kFailedPrecondition, "{}: the shape of value '{}' (from {}) cannot be inferred", label,
                 v.name, who);
    } else {
      st = read_shape(*t->second, v.name, label, &v.dtype, &v.shape);
    }
    if (!st.is_ok() && unresolved && v.producer != kNoNode && st.code() == Code::kFailedPrecondition) {
      unresolved->push_back(v.name);  // all of them, for shapes by execution (engine/shape_probe.h)
      if (first_unresolved.is_ok()) first_unresolved = st;
      continue;
    }
    EDGECUT_RETURN_IF_ERROR(st);
    v.bytes = checked_bytes(v.shape, v.dtype);
    if (v.bytes < 0) return error(Code::kUnsupported, "{}: value '{}' is absurdly large", label, v.name);
  }
  return first_unresolved;
}

}  // namespace

Expected<onnx::ModelProto> read_model_file(const std::string& path, const ImportOptions& options) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return error(Code::kNotFound, "{}: no such file", path);
  if (!fs::is_regular_file(path, ec)) return error(Code::kInvalidArgument, "{}: not a regular file", path);
  auto size = fs::file_size(path, ec);
  if (ec) return error(Code::kIo, "{}: cannot stat: {}", path, ec.message());
  if (static_cast<int64_t>(size) > options.max_file_bytes) {
    return error(Code::kInvalidArgument, "{}: {} bytes exceeds the limit of {} bytes", path, size,
                 options.max_file_bytes);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(Code::kIo, "{}: cannot open for reading", path);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in) return error(Code::kIo, "{}: read failed", path);
  onnx::ModelProto proto;
  if (size == 0 || !proto.ParseFromString(bytes)) {
    return error(Code::kParseError, "{}: not an ONNX model (protobuf parse failed; truncated or not ONNX?)",
                 path);
  }
  bytes = std::string();
  if (!proto.has_graph() || proto.graph().node_size() == 0) {
    return error(Code::kParseError, "{}: not an ONNX model (no graph or no nodes)", path);
  }
  EDGECUT_RETURN_IF_ERROR(check_external_data(proto.graph(), fs::path(path).parent_path(), path));
  return proto;
}

Expected<Model> load_model(const std::string& path, const ImportOptions& options) {
  EDGECUT_ASSIGN_OR_RETURN(onnx::ModelProto proto, read_model_file(path, options));
  return import_model(std::move(proto), path, options);
}

Status bind_input_shapes(onnx::ModelProto* proto, const std::string& label, const ImportOptions& options) {
  std::unordered_set<std::string> inits;
  for (const auto& t : proto->graph().initializer()) inits.insert(t.name());
  return pin_input_dims(proto->mutable_graph(), inits, options, label);
}

Expected<Model> import_model(onnx::ModelProto proto, const std::string& label, const ImportOptions& options) {
  if (!proto.has_graph() || proto.graph().node_size() == 0) {
    return error(Code::kParseError, "{}: model has no graph or no nodes", label);
  }
  if (proto.opset_import_size() == 0) {
    return error(Code::kParseError, "{}: model declares no opset_import", label);
  }
  onnx::GraphProto* g = proto.mutable_graph();
  EDGECUT_RETURN_IF_ERROR(check_no_subgraphs(*g, label));
  EDGECUT_RETURN_IF_ERROR(check_inputs_defined(*g, label));
  std::unordered_set<std::string> inits;
  for (const auto& t : g->initializer()) inits.insert(t.name());
  Model model;
  Graph& graph = model.graph;
  graph.source_path = label;
  // Exporters name every graph alike ("torch_jit", "main_graph"): the file says more.
  graph.name =
      label.rfind("zoo:", 0) == 0 && !g->name().empty() ? g->name() : fs::path(label).stem().string();
  EDGECUT_RETURN_IF_ERROR(GraphBuilder(graph, label).build(*g, inits));
  // Cycles first: shape inference would only say "input not found".
  EDGECUT_RETURN_IF_ERROR(graph.finalize().with_context(label));

  EDGECUT_RETURN_IF_ERROR(pin_input_dims(g, inits, options, label));
  try {
    onnx::ShapeInferenceOptions opts(/*check_type=*/false, /*strict=*/1, /*data_prop=*/true);
    onnx::shape_inference::InferShapes(proto, guarded_schema_registry(), opts);
  } catch (const std::exception& e) {
    return error(Code::kFailedPrecondition, "{}: ONNX shape inference failed: {}", label, e.what());
  }
  EDGECUT_RETURN_IF_ERROR(resolve_shapes(*g, label, graph, options.unresolved));
  graph.flops = compute_flops(graph);
  EDGECUT_RETURN_IF_ERROR(graph.validate().with_context(label));
  model.proto = std::move(proto);
  return model;
}

}  // namespace edgecut::graph
