#include "runtime/model_store.h"

#include <algorithm>
#include <iterator>

#include "graph/segment.h"
#include "net/tail_name.h"
#include "runtime/repository.h"

namespace edgecut::runtime {

namespace {
std::vector<net::TensorSpec> specs(const graph::Graph& g, const std::vector<graph::ValueId>& values) {
  std::vector<net::TensorSpec> out;
  for (graph::ValueId x : values) out.push_back({g.values[x].name, g.values[x].dtype, g.values[x].shape});
  return out;
}
}  // namespace

Expected<std::shared_ptr<Servable>> ModelStore::build(const std::string& name, const Base& base,
                                                      std::vector<graph::NodeId> nodes,
                                                      std::vector<graph::NodeId> edge) const {
  auto s = std::make_shared<Servable>();
  s->name = name;
  s->base = base.whole ? base.whole->base : name;
  s->model = &base.model;
  EDGECUT_ASSIGN_OR_RETURN(s->executor,
                           engine::make_executor(base.model, options_.engine_name, options_.engine));
  EDGECUT_ASSIGN_OR_RETURN(s->segment, s->executor->prepare(nodes));
  const graph::SegmentInfo& info = s->executor->info(s->segment);
  const graph::Graph& g = base.model.graph;
  s->inputs = specs(g, info.inputs);
  // A tail returns the graph outputs it computes; a whole model all of them.
  std::vector<graph::ValueId> outs;
  for (graph::ValueId x : g.outputs) {
    if (std::find(info.outputs.begin(), info.outputs.end(), x) != info.outputs.end()) outs.push_back(x);
  }
  s->outputs = specs(g, outs);
  s->edge_nodes = std::move(edge);
  s->weight_bytes = graph::segment_weight_bytes(g, nodes);
  return s;
}

Status ModelStore::add_model(const std::string& name, graph::Model model, bool builds_tails) {
  auto base = std::make_unique<Base>();
  base->model = std::move(model);
  base->builds_tails = builds_tails;
  EDGECUT_ASSIGN_OR_RETURN(base->whole, build(name, *base, graph::all_nodes(base->model.graph), {}));
  base->whole->base = name;
  std::unique_lock lock(mu_);
  if (bases_.count(name)) return error(Code::kInvalidArgument, "model '{}' is served twice", name);
  bases_.emplace(name, std::move(base));
  return Status::ok();
}

Expected<std::shared_ptr<const Servable>> ModelStore::find(const std::string& name) const {
  std::shared_lock lock(mu_);
  if (auto it = bases_.find(name); it != bases_.end())
    return std::shared_ptr<const Servable>(it->second->whole);
  if (auto it = tails_.find(name); it != tails_.end()) {
    std::lock_guard<std::mutex> l(lru_mu_);           // readers share mu_; the LRU order has its own lock
    lru_.splice(lru_.begin(), lru_, it->second.lru);  // O(1); iterators stay valid
    return std::shared_ptr<const Servable>(it->second.servable);
  }
  std::string served;
  for (const auto& [n, b] : bases_) served += (served.empty() ? "" : ", ") + n;
  std::string model, digest;
  const bool is_tail = net::parse_tail_name(name, &model, &digest);
  return error(Code::kNotFound, "{} '{}' is not loaded (served models: {}){}", is_tail ? "tail" : "model",
               name, served, is_tail ? "; load it with RepositoryModelLoad" : "");
}

Status ModelStore::load_tail(const std::string& name, const std::string& edge_nodes_text,
                             const std::string& model_hash) {
  std::string model, digest;
  if (!net::parse_tail_name(name, &model, &digest)) {
    return error(Code::kInvalidArgument, "'{}' is not a tail name (<model>.tail.<16 hex digits>)", name);
  }
  std::lock_guard<std::mutex> build_lock(build_mu_);
  const Base* base = nullptr;
  {
    std::shared_lock lock(mu_);
    if (tails_.count(name)) return Status::ok();
    auto it = bases_.find(model);
    if (it == bases_.end()) return error(Code::kNotFound, "model '{}' is not served here", model);
    base = it->second.get();
  }
  if (!base->builds_tails) {
    return error(
        Code::kFailedPrecondition,
        "tail '{}': model '{}' is served from a model repository, which holds its tails; this server "
        "builds none",
        name, model);
  }
  const graph::Graph& g = base->model.graph;
  if (model_hash != g.structure_hash()) {
    return error(Code::kFailedPrecondition,
                 "tail '{}': the client's model has hash {}, the server's '{}' has {}", name, model_hash,
                 model, g.structure_hash());
  }
  EDGECUT_ASSIGN_OR_RETURN(std::vector<graph::NodeId> edge,
                           net::parse_node_ranges(edge_nodes_text, g.num_nodes()));
  EDGECUT_RETURN_IF_ERROR(graph::check_predecessor_closed(g, edge).with_context("tail " + name));
  if (net::edge_set_digest(edge) != digest) {
    return error(Code::kInvalidArgument, "tail '{}': the digest does not match the edge_nodes parameter ({})",
                 name, net::edge_set_digest(edge));
  }
  std::vector<graph::NodeId> nodes = graph::complement(g, edge);
  if (nodes.empty()) return error(Code::kInvalidArgument, "tail '{}' is empty: the plan is edge-only", name);
  EDGECUT_ASSIGN_OR_RETURN(std::shared_ptr<Servable> tail,
                           build(name, *base, std::move(nodes), std::move(edge)));
  tail->base = model;
  std::unique_lock lock(mu_);
  tail_bytes_ += tail->weight_bytes;
  {
    std::lock_guard<std::mutex> l(lru_mu_);
    lru_.push_front(name);
    tails_.emplace(name, Tail{std::move(tail), lru_.begin()});
  }
  evict_locked();
  return Status::ok();
}

void ModelStore::erase_locked(std::map<std::string, Tail>::iterator it) {
  tail_bytes_ -= it->second.servable->weight_bytes;
  {
    std::lock_guard<std::mutex> l(lru_mu_);
    lru_.erase(it->second.lru);
  }
  tails_.erase(it);
}

void ModelStore::evict_locked() {
  if (tail_bytes_ <= options_.tail_cache_bytes || lru_.size() < 2) return;
  // Oldest first; the newest (front) stays. With mu_ held exclusively no
  // find() can hand out a new reference, so a use count of 1 (the store's)
  // means nobody holds the tail; a request ending meanwhile only makes this
  // keep a tail it could have dropped.
  std::vector<std::string> victims;
  int64_t bytes = tail_bytes_;
  for (auto it = std::prev(lru_.end()); it != lru_.begin() && bytes > options_.tail_cache_bytes; --it) {
    const Tail& t = tails_.at(*it);
    if (t.servable.use_count() > 1) continue;  // a request holds it
    bytes -= t.servable->weight_bytes;
    victims.push_back(*it);
  }
  for (const std::string& v : victims) erase_locked(tails_.find(v));
}

Status ModelStore::unload(const std::string& name) {
  std::unique_lock lock(mu_);
  auto it = tails_.find(name);
  if (it == tails_.end()) {
    if (bases_.count(name))
      return error(Code::kFailedPrecondition, "'{}' is a served model, not a tail", name);
    return error(Code::kNotFound, "tail '{}' is not loaded", name);
  }
  erase_locked(it);
  evict_locked();  // tails held at the last load may be free now
  return Status::ok();
}

std::vector<IndexEntry> ModelStore::index() const {
  std::shared_lock lock(mu_);
  std::vector<IndexEntry> out;
  for (const auto& [n, b] : bases_) out.push_back({n, "READY", ""});
  for (const auto& [n, t] : tails_) out.push_back({n, "READY", ""});
  if (repository_) {  // Triton lists what its repository holds, loaded or not
    for (const auto& n : repository_->names()) {
      if (!bases_.count(n)) out.push_back({n, "UNAVAILABLE", "unloaded"});
    }
  }
  return out;
}

Status ModelStore::load(const std::string& name, const std::string& edge_nodes_text,
                        const std::string& model_hash) {
  if (find(name)) return Status::ok();
  if (repository_ && repository_->has(name)) {
    if (repository_->mode() == ModelControl::kExplicit) return repository_->load_into(name, this);
    return error(Code::kFailedPrecondition,
                 "model '{}' is not loaded, and model control mode none loads nothing after start", name);
  }
  return load_tail(name, edge_nodes_text, model_hash);
}

bool ModelStore::builds_tails() const {
  std::shared_lock lock(mu_);
  return std::any_of(bases_.begin(), bases_.end(), [](const auto& b) { return b.second->builds_tails; });
}

std::vector<std::string> ModelStore::model_names() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [n, b] : bases_) out.push_back(n);
  return out;
}

int64_t ModelStore::cached_tail_bytes() const {
  std::shared_lock lock(mu_);
  return tail_bytes_;
}

}  // namespace edgecut::runtime
