// Qdmp: exact optimal partition through cut vertices (docs/design.md,
// "Cut vertices and why the optimum lies in one block").
//
// Built once per (model, costs): the extended DAG, its cut vertices c0..cK,
// prefix sums of edge time and suffix sums of cloud time along the order.
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

#include <vector>

#include "graph/structure.h"
#include "partition/plan.h"
#include "partition/region_cut.h"

namespace edgecut::partition {

struct QdmpStats {
  int blocks = 0;         // blocks with a non-empty interior
  int blocks_solved = 0;  // of those, how many needed a max-flow
};

class Qdmp {
 public:
  // cm (and its graph) must outlive this object.
  explicit Qdmp(const CostModel& cm);
  Plan solve(const Network& net);
  Plan solve(const Network& net, const Rates& rates);
  const graph::Structure& structure() const { return st_; }
  const CostModel& cost_model() const { return cm_; }
  const QdmpStats& stats() const { return stats_; }

 private:
  const CostModel& cm_;
  graph::Structure st_;
  RegionCut region_;
  std::vector<int64_t> pre_e_;            // pre_e_[i] = te summed over order[0..i]
  std::vector<int64_t> suf_c_;            // suf_c_[i] = tc summed over order[i..]
  std::vector<int64_t> block_min_;        // per block: sum over interior of min(te, tc)
  std::vector<ValueId> block_min_value_;  // per block: smallest tensor made inside, -1 if none counts
  // Per block: every tensor made inside that counts for the transfer bound.
  // With encodings a tensor's price is not monotone in its raw size, so the
  // bound takes the least price over these instead of block_min_value_.
  std::vector<std::vector<ValueId>> block_values_;
  std::vector<std::pair<int32_t, ValueId>> out_pos_;  // (producer position, value) per graph output
  QdmpStats stats_;
};

}  // namespace edgecut::partition
