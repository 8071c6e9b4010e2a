#include "runtime/server_view.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"
#include "net/tail_name.h"
#include "net/wire.h"

namespace edgecut::runtime {

namespace {

using Meta = google::protobuf::RepeatedPtrField<inference::ModelMetadataResponse::TensorMetadata>;

// The server's tensors `meta` are exactly `values` of `g` (any order).
Status same_tensors(const Meta& meta, const graph::Graph& g, const std::vector<graph::ValueId>& values,
                    const std::string& what) {
  if (static_cast<size_t>(meta.size()) != values.size()) {
    return error(Code::kFailedPrecondition, "{}: the server has {} tensor(s), the model here {}", what,
                 meta.size(), values.size());
  }
  for (graph::ValueId x : values) {
    const graph::Value& v = g.values[x];
    auto it = std::find_if(meta.begin(), meta.end(), [&](const auto& t) { return t.name() == v.name; });
    if (it == meta.end())
      return error(Code::kFailedPrecondition, "{}: the server has no tensor '{}'", what, v.name);
    const std::vector<int64_t> shape(it->shape().begin(), it->shape().end());
    if (it->datatype() != net::v2_datatype(v.dtype) || shape != v.shape) {
      return error(Code::kFailedPrecondition, "{}: tensor '{}' is {} {} on the server, {} {} here", what,
                   v.name, it->datatype(), shape_str(shape), net::v2_datatype(v.dtype), shape_str(v.shape));
    }
  }
  return Status::ok();
}

}  // namespace

TailSource ServerView::source(const std::string& name) const {
  auto it = index.find(name);
  if (ready.count(name) || (it != index.end() && it->second == "READY")) return TailSource::kReady;
  if (it != index.end()) return TailSource::kLoad;
  return builds ? TailSource::kBuild : TailSource::kNone;
}

std::string ServerView::unavailable(const std::string& model_name, const Candidate& c) const {
  if (!c.has_cloud()) return "";
  const bool encoded =
      std::any_of(c.encodings.begin(), c.encodings.end(), [](const auto& e) { return e.second != "fp32"; });
  if (encoded && !builds) return "its tensors go encoded, which only edgecut's server decodes";
  const std::string name = c.edge_nodes.empty() ? model_name : net::tail_model_name(model_name, c.edge_nodes);
  if (source(name) != TailSource::kNone) return "";
  return fmt::format("the server neither holds its tail {} nor builds tails", name);
}

Expected<ServerView> discover(net::Client& client, const graph::Graph& g, const std::string& model_name,
                              const std::vector<std::string>& tails, net::Millis deadline) {
  ServerView v;
  EDGECUT_ASSIGN_OR_RETURN(inference::ServerMetadataResponse meta, client.server_metadata(deadline));
  v.server = meta.name() + " " + meta.version();
  for (const auto& e : meta.extensions()) {
    v.repository |= e == "model_repository";
    v.builds |= e == "edgecut_tails";
  }
  if (v.repository) {
    // A server that advertises the extension but refuses the call is taken
    // at its word for ModelReady below.
    if (auto idx = client.repository_index(deadline)) {
      for (const auto& m : idx->models()) v.index[m.name()] = m.state();
    }
  }
  std::vector<std::string> ask = tails;
  ask.push_back(model_name);
  for (const std::string& t : ask) {
    if (v.index.count(t)) continue;
    auto r = client.model_ready(t, deadline);
    if (r && *r) v.ready.insert(t);
  }
  if (v.source(model_name) == TailSource::kLoad) {
    EDGECUT_RETURN_IF_ERROR(client.load(model_name, {}, deadline));
    v.ready.insert(model_name);
  }
  if (!v.ready.count(model_name) && !(v.index.count(model_name) && v.index[model_name] == "READY")) {
    return error(Code::kNotFound, "the server ({}) lacks the whole model '{}' (every split plan needs it)",
                 v.server, model_name);
  }
  EDGECUT_ASSIGN_OR_RETURN(inference::ModelMetadataResponse mm, client.model_metadata(model_name, deadline));
  const std::string what = fmt::format("model '{}' on the server", model_name);
  EDGECUT_RETURN_IF_ERROR(same_tensors(mm.inputs(), g, g.inputs, what + ", inputs"));
  EDGECUT_RETURN_IF_ERROR(same_tensors(mm.outputs(), g, g.outputs, what + ", outputs"));
  return v;
}

Status check_tail_inputs(net::Client& client, const std::string& name, const graph::Graph& g,
                         const std::vector<graph::ValueId>& inputs, net::Millis deadline) {
  EDGECUT_ASSIGN_OR_RETURN(inference::ModelMetadataResponse mm, client.model_metadata(name, deadline));
  return same_tensors(mm.inputs(), g, inputs,
                      fmt::format("tail '{}' on the server disagrees with the plan", name));
}

}  // namespace edgecut::runtime
