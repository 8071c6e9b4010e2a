#include "runtime/repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "common/strings.h"
#include "graph/segment.h"
#include "net/tail_name.h"
#include "runtime/model_store.h"
#include "runtime/tail_export.h"

namespace edgecut::runtime {

namespace fs = std::filesystem;

Expected<ModelControl> parse_model_control(const std::string& text) {
  if (text == "none") return ModelControl::kNone;
  if (text == "explicit") return ModelControl::kExplicit;
  return error(Code::kInvalidArgument,
               "--model-control-mode '{}': use none or explicit (poll is not supported)", text);
}

const char* model_control_name(ModelControl m) { return m == ModelControl::kNone ? "none" : "explicit"; }

namespace {

template <typename T>
std::vector<int64_t> config_dims(const T& t) {
  if (t.has_reshape()) return {t.reshape().shape().begin(), t.reshape().shape().end()};
  return {t.dims().begin(), t.dims().end()};
}

// Each config tensor is a tensor of the model with the same type and shape.
template <typename T>
Status check_tensors(const google::protobuf::RepeatedPtrField<T>& cfg, const graph::Graph& g,
                     const std::vector<graph::ValueId>& values, const char* kind) {
  for (const T& t : cfg) {
    auto it = std::find_if(values.begin(), values.end(),
                           [&](graph::ValueId x) { return g.values[x].name == t.name(); });
    if (it == values.end())
      return error(Code::kFailedPrecondition, "{} '{}' is not a {} of model.onnx", kind, t.name(), kind);
    const graph::Value& v = g.values[*it];
    if (inference::DataType_Name(t.data_type()) != triton_type(v.dtype) || config_dims(t) != v.shape) {
      return error(Code::kFailedPrecondition, "{} '{}': the config says {} {}, model.onnx has {} {}", kind,
                   t.name(), inference::DataType_Name(t.data_type()), shape_str(config_dims(t)),
                   triton_type(v.dtype), shape_str(v.shape));
    }
  }
  return Status::ok();
}

Expected<PlanEncodings> parse_encodings(const std::string& text, const graph::Graph& g) {
  PlanEncodings out;
  for (const std::string& item : split_list(text)) {
    const size_t eq = item.find('=');
    const std::string tensor = item.substr(0, eq);
    auto it = std::find_if(g.values.begin(), g.values.end(),
                           [&](const graph::Value& v) { return v.name == tensor; });
    if (eq == std::string::npos || it == g.values.end()) {
      return error(Code::kFailedPrecondition,
                   "parameter {}: '{}' is not TENSOR=ENCODING of a tensor of the model", kEncodingsParam,
                   item);
    }
    out.push_back({static_cast<graph::ValueId>(it - g.values.begin()), item.substr(eq + 1)});
  }
  return out;
}

// The weights the two models share by name are the same bytes.
Status same_weights(const onnx::ModelProto& want, const onnx::ModelProto& got) {
  std::map<std::string, const onnx::TensorProto*> have;
  for (const auto& t : got.graph().initializer()) have[t.name()] = &t;
  for (const auto& t : want.graph().initializer()) {
    auto it = have.find(t.name());
    if (it == have.end() || it->second->SerializeAsString() != t.SerializeAsString())
      return error(Code::kFailedPrecondition, "its weights differ from the whole model's (initializer '{}')",
                   t.name());
  }
  return Status::ok();
}

}  // namespace

Expected<std::shared_ptr<Repository>> Repository::open(const std::string& dir, ModelControl mode) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return error(Code::kNotFound, "model repository '{}' is not a directory", dir);
  std::shared_ptr<Repository> r(new Repository(dir, mode));
  for (const auto& d : fs::directory_iterator(dir, ec)) {
    const fs::path cfg = d.path() / "config.pbtxt";
    if (!d.is_directory() || !fs::exists(cfg)) continue;
    if (r->entries_.size() >= kMaxRepositoryEntries)
      return error(Code::kInvalidArgument, "model repository '{}' holds over {} models", dir,
                   kMaxRepositoryEntries);
    const std::string name = d.path().filename().string();
    EDGECUT_ASSIGN_OR_RETURN(inference::ModelConfig c, read_config(cfg.string()));
    if (!c.name().empty() && c.name() != name) {
      return error(Code::kFailedPrecondition, "{}: the config names model '{}', its directory is '{}'",
                   cfg.string(), c.name(), name);
    }
    ConfigInfo info = config_info(c);
    r->entries_[name] = {d.path().string(), std::move(c), std::move(info)};
  }
  if (ec) return error(Code::kIo, "model repository '{}': {}", dir, ec.message());
  return r;
}

std::vector<std::string> Repository::names() const {
  std::vector<std::string> out;
  for (const auto& [n, e] : entries_) out.push_back(n);
  return out;
}

Expected<graph::Model> Repository::checked_model(const std::string& name, const Entry& e) const {
  const std::string file =
      e.config.default_model_filename().empty() ? "model.onnx" : e.config.default_model_filename();
  if (file.find('/') != std::string::npos || file == "..")
    return error(Code::kFailedPrecondition,
                 "model '{}': default_model_filename '{}' leaves the version folder", name, file);
  EDGECUT_ASSIGN_OR_RETURN(graph::Model m, graph::load_model(e.dir + "/1/" + file));
  const graph::Graph& g = m.graph;
  const std::string where = fmt::format("repository {}: model '{}'", dir_, name);
  EDGECUT_RETURN_IF_ERROR(check_tensors(e.config.input(), g, g.inputs, "input").with_context(where));
  EDGECUT_RETURN_IF_ERROR(check_tensors(e.config.output(), g, g.outputs, "output").with_context(where));
  if (e.config.input_size() != static_cast<int>(g.inputs.size()))
    return error(Code::kFailedPrecondition, "{}: the config declares {} input(s), model.onnx has {}", where,
                 e.config.input_size(), g.inputs.size());
  if (e.info.base_model.empty() && !e.info.model_hash.empty() && e.info.model_hash != g.structure_hash()) {
    return error(Code::kFailedPrecondition, "{}: model.onnx has structure hash {}, its config says {}", where,
                 g.structure_hash(), e.info.model_hash);
  }
  return m;
}

Expected<const graph::Model*> Repository::base_model(const std::string& base) {
  if (auto it = bases_.find(base); it != bases_.end()) return it->second.get();
  auto e = entries_.find(base);
  if (e == entries_.end() || !e->second.info.base_model.empty())
    return error(Code::kFailedPrecondition, "its whole model '{}' is not in the repository", base);
  EDGECUT_ASSIGN_OR_RETURN(graph::Model m, checked_model(base, e->second));
  auto& slot = bases_[base];
  slot = std::make_unique<graph::Model>(std::move(m));
  return slot.get();
}

Status Repository::check_tail(const std::string& name, const Entry& e, const graph::Model& tail) {
  EDGECUT_ASSIGN_OR_RETURN(const graph::Model* base, base_model(e.info.base_model));
  const graph::Graph& g = base->graph;
  if (e.info.model_hash != g.structure_hash()) {
    return error(Code::kFailedPrecondition, "it was cut from a model of structure hash {}, '{}' here has {}",
                 e.info.model_hash.empty() ? "(none)" : e.info.model_hash, e.info.base_model,
                 g.structure_hash());
  }
  std::vector<graph::NodeId> edge;
  if (!e.info.edge_nodes.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(edge, net::parse_node_ranges(e.info.edge_nodes, g.num_nodes()));
  }
  EDGECUT_RETURN_IF_ERROR(graph::check_predecessor_closed(g, edge));
  EDGECUT_ASSIGN_OR_RETURN(PlanEncodings enc, parse_encodings(e.info.encodings, g));
  EDGECUT_ASSIGN_OR_RETURN(TailModel want, build_tail(*base, e.info.base_model, edge, enc));
  if (want.name != name)
    return error(Code::kFailedPrecondition, "its edge set and encodings make the tail '{}', not this one",
                 want.name);
  EDGECUT_ASSIGN_OR_RETURN(graph::Model want_model, graph::import_model(want.model, name));
  if (want_model.graph.structure_hash() != tail.graph.structure_hash()) {
    return error(
        Code::kFailedPrecondition,
        "model.onnx (structure hash {}) is not the cloud side of its edge set cut from '{}' (hash {})",
        tail.graph.structure_hash(), e.info.base_model, want_model.graph.structure_hash());
  }
  return same_weights(want.model, tail.proto);
}

Status Repository::load_into(const std::string& name, ModelStore* store) {
  std::lock_guard lock(mu_);
  if (store->find(name)) return Status::ok();
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    return error(Code::kNotFound, "model '{}' is not in the model repository {} ({} model(s))", name, dir_,
                 entries_.size());
  }
  const Entry& e = it->second;
  EDGECUT_ASSIGN_OR_RETURN(graph::Model m, checked_model(name, e));
  if (!e.info.base_model.empty()) {
    EDGECUT_RETURN_IF_ERROR(
        check_tail(name, e, m)
            .with_context(fmt::format("repository {}: tail '{}' does not match model '{}'", dir_, name,
                                      e.info.base_model)));
  }
  return store->add_model(name, std::move(m), /*builds_tails=*/false);
}

Status Repository::load_all(ModelStore* store) {
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [name, e] : entries_) {
      if (e.info.base_model.empty() == (pass == 0)) EDGECUT_RETURN_IF_ERROR(load_into(name, store));
    }
  }
  return Status::ok();
}

}  // namespace edgecut::runtime
