// RegionCut: the min-cut network (docs/design.md, "Min-cut construction") of the
// vertices strictly between two vertices of the extended DAG.
//
// `head` is pinned to the edge (merged into terminal e) and `tail` to the cloud
// (merged into terminal c); `interior` are the free vertices. Used with head =
// source, tail = sink, interior = all nodes for DADS, and with adjacent cut
// vertices for QDMP blocks. Precondition: every data edge touching an interior
// vertex goes from {head} u interior to interior u {tail}, which holds for
// the whole graph and for any block. Arcs: e->v (tc(v) + result download),
// v->c (te(v)), u->w or u->x'->{w..} (transfer, aux vertex for several
// consumers), and with `precedence` an infinite w->u per interior data edge.
// Big-M = 1 + sum of finite capacities. O(V + E) to build, Dinic to solve.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "graph/structure.h"
#include "partition/cost_model.h"
#include "partition/maxflow.h"

namespace edgecut::partition {

struct RegionResult {
  int64_t cost_ns = 0;              // min-cut value + transfers paid whatever the cut
  std::vector<int32_t> edge_nodes;  // interior vertices on the edge side
};

class RegionCut {
 public:
  // cm and st must outlive this object.
  RegionCut(const CostModel& cm, const graph::Structure& st) : cm_(&cm), st_(&st) {}
  // New costs for the same graph (Qdmp::reprice).
  void set_cost_model(const CostModel& cm) { cm_ = &cm; }
  RegionResult solve(std::span<const int32_t> interior, int32_t head, int32_t tail, const Rates& rates,
                     bool precedence);
  const MaxFlow& flow() const { return mf_; }

 private:
  void add_value_arcs(ValueId x, int from, const Rates& rates, int64_t* constant);

  const CostModel* cm_;
  const graph::Structure* st_;
  MaxFlow mf_;
  std::vector<int32_t> local_;  // extended vertex -> flow vertex (-1: not in region)
  std::vector<int32_t> targets_;
  std::vector<std::pair<int, int>> inf_arcs_;
  int64_t finite_sum_ = 0;
  int tail_local_ = 1;
};

}  // namespace edgecut::partition
