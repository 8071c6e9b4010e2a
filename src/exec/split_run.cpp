#include "exec/split_run.h"

#include <algorithm>
#include <chrono>
#include <random>

namespace edgecut::exec {

const Tensor* find_tensor(const std::vector<Tensor>& pool, const std::string& name) {
  auto it = std::find_if(pool.begin(), pool.end(), [&](const Tensor& t) { return t.name() == name; });
  return it == pool.end() ? nullptr : &*it;
}

Expected<std::vector<Tensor>> pick(const graph::Graph& g, const std::vector<graph::ValueId>& values,
                                   const std::vector<Tensor>& pool) {
  std::vector<Tensor> out;
  out.reserve(values.size());
  for (graph::ValueId x : values) {
    const Tensor* t = find_tensor(pool, g.values[x].name);
    if (t == nullptr) return error(Code::kNotFound, "tensor '{}' was not produced", g.values[x].name);
    out.push_back(*t);
  }
  return out;
}

Expected<std::vector<const Tensor*>> match_inputs(const graph::Graph& g,
                                                  const std::vector<graph::ValueId>& values,
                                                  const std::vector<Tensor>& given) {
  std::vector<const Tensor*> out;
  out.reserve(values.size());
  for (graph::ValueId x : values) {
    const graph::Value& val = g.values[x];
    const Tensor* t = find_tensor(given, val.name);
    if (t == nullptr)
      return error(Code::kInvalidArgument, "{}: segment input '{}' was not given", g.name, val.name);
    if (t->dtype() != val.dtype || t->shape() != val.shape) {
      return error(Code::kInvalidArgument,
                   "{}: input '{}' is {} of shape [{}], but the model expects {} of shape [{}]", g.name,
                   val.name, graph::dtype_name(t->dtype()), shape_str(t->shape()),
                   graph::dtype_name(val.dtype), shape_str(val.shape));
    }
    out.push_back(t);
  }
  return out;
}

Expected<std::vector<Tensor>> zero_tensors(const graph::Graph& g, const std::vector<graph::ValueId>& values) {
  std::vector<Tensor> out;
  for (graph::ValueId x : values) {
    const graph::Value& v = g.values[x];
    EDGECUT_ASSIGN_OR_RETURN(Tensor t, Tensor::make(v.name, v.dtype, v.shape));
    out.push_back(std::move(t));
  }
  return out;
}

Expected<std::vector<Tensor>> random_tensors(const graph::Graph& g, const std::vector<graph::ValueId>& values,
                                             uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<Tensor> out;
  for (graph::ValueId x : values) {
    const graph::Value& v = g.values[x];
    if (v.dtype != DType::kFloat) {
      return error(Code::kUnsupported, "tensor '{}' is {}; random inputs are float32 only", v.name,
                   graph::dtype_name(v.dtype));
    }
    EDGECUT_ASSIGN_OR_RETURN(Tensor t, Tensor::make(v.name, v.dtype, v.shape));
    for (float& f : t.as_mutable<float>()) f = normal(rng);
    out.push_back(std::move(t));
  }
  return out;
}

Expected<std::vector<Tensor>> segment_inputs(Executor& ex, const graph::Graph& g,
                                             const std::vector<graph::NodeId>& nodes,
                                             const std::vector<graph::ValueId>& inputs, uint64_t seed) {
  bool all_float = true;
  for (graph::ValueId x : inputs) all_float &= g.values[x].dtype == DType::kFloat;
  if (all_float) return random_tensors(g, inputs, seed);
  // The segment's inputs' producers and everything they depend on.
  std::vector<char> head(static_cast<size_t>(g.num_nodes()), 0);
  for (graph::ValueId x : inputs) {
    if (g.values[x].producer != graph::kNoNode) head[g.values[x].producer] = 1;
  }
  head = graph::predecessor_closure(g, std::move(head));
  for (graph::NodeId v : nodes) {
    if (head[v]) {
      return error(Code::kUnsupported, "{}: segment of node '{}' feeds its own inputs; cannot compute them",
                   g.name, g.nodes[v].name);
    }
  }
  EDGECUT_ASSIGN_OR_RETURN(std::vector<Tensor> pool, random_tensors(g, g.inputs, seed));
  const std::vector<graph::NodeId> head_nodes = graph::mask_nodes(head);
  if (!head_nodes.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(SegmentId id, ex.prepare(head_nodes));
    std::vector<Tensor> outs;
    EDGECUT_RETURN_IF_ERROR(ex.run(id, pool, &outs));
    for (auto& t : outs) pool.push_back(std::move(t));
  }
  return pick(g, inputs, pool);
}

Expected<SplitPlan> prepare_split(Executor& ex, const graph::Graph& g,
                                  std::vector<graph::NodeId> edge_nodes) {
  EDGECUT_RETURN_IF_ERROR(graph::check_predecessor_closed(g, edge_nodes));
  SplitPlan p;
  p.edge_nodes = graph::mask_nodes(graph::node_mask(g, edge_nodes));
  const std::vector<graph::NodeId> tail = graph::complement(g, p.edge_nodes);
  if (!p.edge_nodes.empty()) {
    auto id = ex.prepare(p.edge_nodes);
    if (!id) return id.status().with_context("head");
    p.head = *id;
  }
  if (!tail.empty()) {
    auto id = ex.prepare(tail);
    if (!id) return id.status().with_context("tail");
    p.tail = *id;
  }
  return p;
}

Expected<SplitResult> run_split(Executor& ex, const graph::Graph& g, const SplitPlan& plan,
                                const std::vector<Tensor>& inputs) {
  using clock = std::chrono::steady_clock;
  SplitResult r;
  std::vector<Tensor> pool = inputs;
  const SegmentId sides[2] = {plan.head, plan.tail};
  for (int s = 0; s < 2; ++s) {
    if (sides[s] < 0) continue;
    if (s == 1) {
      EDGECUT_ASSIGN_OR_RETURN(r.crossed, pick(g, ex.info(sides[s]).inputs, pool));
    }
    std::vector<Tensor> outs;
    const auto t0 = clock::now();
    EDGECUT_RETURN_IF_ERROR(ex.run(sides[s], pool, &outs).with_context(s == 0 ? "head" : "tail"));
    (s == 0 ? r.head_ms : r.tail_ms) = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    for (auto& t : outs) pool.push_back(std::move(t));
  }
  EDGECUT_ASSIGN_OR_RETURN(r.outputs, pick(g, g.outputs, pool));
  return r;
}

}  // namespace edgecut::exec
