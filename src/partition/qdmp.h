// Qdmp: exact optimal partition through cut vertices (docs/design.md,
// "Cut vertices and why the optimum lies in one block").
//
// Two parts with different lifetimes. QdmpStructure depends on the graph
// only (the extended DAG, its cut vertices c0..cK, the tensors each block
// makes): analyse it once per model, O(V + E), and share it. Qdmp adds the
// costs: prefix sums of edge time and suffix sums of cloud time along the
// order and each block's sum of min(te, tc), O(V); reprice() swaps in new
// costs for the same graph (a drift correction) without touching the
// structure.
//
// solve(network): (1) every whole-block boundary "S = all up to c_j" in O(K)
// with the prefix sums; (2) each block's lower bound Pre_e(c_k) + Suf_c(c_k+1)
// + sum of min(te, tc) over its interior + the least transfer any plan in the
// block must pay: with no interior node on the edge, c_k's outputs go up;
// with some, a tensor made on the edge must reach c_k+1 in the cloud, which
// costs at least the block's smallest tensor; (3) max-flow only on blocks whose
// bound beats the best plan so far, cheapest bound first; (4) edge-only, which
// alone pays no rtt. Exact: equals the whole-graph min-cut with precedence
// arcs (dads-fixed) and brute force; the tests check both.
#pragma once

#include <memory>
#include <vector>

#include "graph/structure.h"
#include "partition/plan.h"
#include "partition/region_cut.h"

namespace edgecut::partition {

struct QdmpStats {
  int blocks = 0;         // blocks with a non-empty interior
  int blocks_solved = 0;  // of those, how many needed a max-flow
};

// The cost-independent half of Qdmp. Immutable once built; share it freely.
struct QdmpStructure {
  const Graph* graph = nullptr;
  graph::Structure st;
  // Per block: the smallest tensor made inside that counts for the transfer
  // bound (-1 if none), and (compressed rows) every such tensor: with
  // encodings a price is not monotone in raw size, so the bound takes the
  // least price over them.
  std::vector<ValueId> block_min_value;
  std::vector<int32_t> block_values_begin;  // size blocks + 1
  std::vector<ValueId> block_values;
  std::vector<std::pair<int32_t, ValueId>> out_pos;  // (producer position, value) per graph output

  // Precondition: g is finalized; g must outlive the result. O(V + E).
  static std::shared_ptr<const QdmpStructure> analyze(const Graph& g);
};

class Qdmp {
 public:
  // Analyses the structure too: the cold path. cm (and its graph) must
  // outlive this object.
  explicit Qdmp(const CostModel& cm);
  // Shares a structure analysed before. Precondition: s was analysed from
  // cm.graph().
  Qdmp(const CostModel& cm, std::shared_ptr<const QdmpStructure> s);
  // New costs on the same graph, O(V), no structure analysis. Precondition:
  // &cm.graph() is the graph of structure(); cm must outlive this object.
  void reprice(const CostModel& cm);

  Plan solve(const Network& net);
  Plan solve(const Network& net, const Rates& rates);
  const graph::Structure& structure() const { return s_->st; }
  const std::shared_ptr<const QdmpStructure>& shared_structure() const { return s_; }
  const CostModel& cost_model() const { return *cm_; }
  const QdmpStats& stats() const { return stats_; }

 private:
  const CostModel* cm_;
  std::shared_ptr<const QdmpStructure> s_;
  RegionCut region_;
  std::vector<int64_t> pre_e_;      // pre_e_[i] = te summed over order[0..i]
  std::vector<int64_t> suf_c_;      // suf_c_[i] = tc summed over order[i..]
  std::vector<int64_t> block_min_;  // per block: sum over interior of min(te, tc)
  QdmpStats stats_;
  // solve()'s scratch, kept so that a warm solve allocates little.
  std::vector<std::pair<int64_t, int>> order_;
};

}  // namespace edgecut::partition
