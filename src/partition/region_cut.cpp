#include "partition/region_cut.h"

#include <algorithm>

namespace edgecut::partition {
namespace {
constexpr int kE = 0;  // edge terminal (source of the flow)
constexpr int kC = 1;  // cloud terminal (sink of the flow)
}  // namespace

void RegionCut::add_value_arcs(ValueId x, int from, const Rates& rates, int64_t* constant) {
  const graph::Value& val = cm_->graph().values[x];
  const int64_t up = rates.up_ns[x];
  targets_.clear();
  for (graph::NodeId w : val.consumers) {
    int32_t lw = local_[w];
    // Consumers outside the region lie beyond the tail (cloud) by the precondition.
    targets_.push_back(lw < 0 ? kC : lw);
  }
  std::sort(targets_.begin(), targets_.end());
  targets_.erase(std::unique(targets_.begin(), targets_.end()), targets_.end());
  if (targets_.empty() || up == 0) return;
  if (targets_.front() == kC) {
    // A cloud reader is certain: paid iff the producer is on the edge.
    if (from == kE) {
      *constant += up;
    } else {
      mf_.add_arc(from, kC, up);
      finite_sum_ += up;
    }
    return;
  }
  finite_sum_ += up;
  if (targets_.size() == 1) {
    mf_.add_arc(from, targets_.front(), up);
    return;
  }
  int aux = mf_.add_vertex();
  mf_.add_arc(from, aux, up);
  for (int32_t w : targets_) inf_arcs_.emplace_back(aux, w);
}

RegionResult RegionCut::solve(std::span<const int32_t> interior, int32_t head, int32_t tail,
                              const Rates& rates, bool precedence) {
  const Graph& g = cm_->graph();
  const int n = st_->n;
  if (local_.size() != static_cast<size_t>(n + 2)) local_.assign(n + 2, -1);
  mf_.reset(2 + static_cast<int>(interior.size()));
  inf_arcs_.clear();
  finite_sum_ = 0;
  for (size_t i = 0; i < interior.size(); ++i) local_[interior[i]] = 2 + static_cast<int>(i);
  local_[head] = kE;
  local_[tail] = kC;

  int64_t constant = 0;
  for (int32_t v : interior) {
    const int lv = local_[v];
    int64_t tc = cm_->tc_ns[v];
    for (ValueId x : g.nodes[v].outputs) {
      if (cm_->is_output[x]) tc += rates.down_ns[x];
    }
    mf_.add_arc(kE, lv, tc);
    mf_.add_arc(lv, kC, cm_->te_ns[v]);
    finite_sum_ += tc + cm_->te_ns[v];
    if (precedence) {
      for (int32_t u : st_->pred(v)) {
        if (local_[u] >= 2) inf_arcs_.emplace_back(lv, local_[u]);
      }
    }
  }
  if (head == st_->source()) {
    for (ValueId x : g.inputs) add_value_arcs(x, kE, rates, &constant);
  } else {
    for (ValueId x : g.nodes[head].outputs) add_value_arcs(x, kE, rates, &constant);
  }
  for (int32_t v : interior) {
    for (ValueId x : g.nodes[v].outputs) add_value_arcs(x, local_[v], rates, &constant);
  }
  const int64_t big_m = finite_sum_ + 1;
  for (auto [u, w] : inf_arcs_) mf_.add_arc(u, w, big_m);

  RegionResult r;
  r.cost_ns = mf_.run(kE, kC) + constant;
  const auto& side = mf_.source_side();
  for (int32_t v : interior) {
    if (side[local_[v]]) r.edge_nodes.push_back(v);
  }
  for (int32_t v : interior) local_[v] = -1;
  local_[head] = -1;
  local_[tail] = -1;
  return r;
}

}  // namespace edgecut::partition
