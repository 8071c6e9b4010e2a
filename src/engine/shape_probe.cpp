#include "engine/shape_probe.h"

#include <algorithm>
#include <unordered_set>

#include "exec/tensor.h"
#ifdef EDGECUT_HAVE_ORT
#include "engine/ort/ort_executor.h"
#endif

namespace edgecut::engine {
namespace {

#ifdef EDGECUT_HAVE_ORT
// Zero tensors for the graph inputs that are not initializers (shapes bound).
Expected<std::vector<exec::Tensor>> zero_inputs(const onnx::ModelProto& proto, const std::string& label) {
  std::unordered_set<std::string> inits;
  for (const auto& t : proto.graph().initializer()) inits.insert(t.name());
  std::vector<exec::Tensor> out;
  for (const auto& in : proto.graph().input()) {
    if (inits.count(in.name())) continue;
    const auto& tt = in.type().tensor_type();
    std::vector<int64_t> dims;
    for (const auto& d : tt.shape().dim()) dims.push_back(d.dim_value());
    auto t = exec::Tensor::make(in.name(), static_cast<graph::DType>(tt.elem_type()), dims);
    if (!t) return t.status().with_context(label);
    out.push_back(std::move(*t));
  }
  return out;
}

// Replaces (or adds) the value_info of each tensor's name with its dtype and shape.
void record_shapes(onnx::GraphProto* g, const std::vector<exec::Tensor>& found) {
  std::unordered_set<std::string> names;
  for (const auto& t : found) names.insert(t.name());
  auto* vi = g->mutable_value_info();
  vi->erase(std::remove_if(vi->begin(), vi->end(),
                           [&](const onnx::ValueInfoProto& v) { return names.count(v.name()) > 0; }),
            vi->end());
  for (const auto& t : found) {
    auto* v = g->add_value_info();
    v->set_name(t.name());
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(static_cast<int32_t>(t.dtype()));
    auto* shape = tt->mutable_shape();
    for (int64_t d : t.shape()) shape->add_dim()->set_dim_value(d);
  }
}
#endif

}  // namespace

Expected<graph::Model> import_resolving_shapes(onnx::ModelProto proto, const std::string& label,
                                               const graph::ImportOptions& options) {
  std::vector<std::string> unresolved;
  graph::ImportOptions first = options;
  first.unresolved = &unresolved;
  onnx::ModelProto original = proto;  // import_model consumes its copy
  auto m = graph::import_model(std::move(proto), label, first);
  if (m || unresolved.empty()) return m;
#ifdef EDGECUT_HAVE_ORT
  EDGECUT_RETURN_IF_ERROR(graph::bind_input_shapes(&original, label, options));
  EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> inputs, zero_inputs(original, label));
  EngineOptions eo;
  eo.ort_opt_level = 0;  // every value must survive to be returned; nothing to gain from fusing
  auto found = ort_run_model(original, inputs, unresolved, eo);
  if (!found) {
    return error(Code::kFailedPrecondition,
                 "{} (resolving it by running the model on ONNX Runtime failed too: {})",
                 m.status().message(), found.status().message());
  }
  record_shapes(original.mutable_graph(), *found);
  graph::ImportOptions again = options;
  again.unresolved = nullptr;
  EDGECUT_ASSIGN_OR_RETURN(graph::Model resolved, graph::import_model(std::move(original), label, again));
  resolved.shapes_from_run = static_cast<int>(unresolved.size());
  return resolved;
#else
  return error(m.status().code(),
               "{} (a build with ONNX Runtime resolves such shapes by running the model: run "
               "scripts/setup.sh, then rebuild)",
               m.status().message());
#endif
}

}  // namespace edgecut::engine
