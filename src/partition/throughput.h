// Throughput-optimal partition for a pipelined stream (issue 11).
//
// With frames overlapping, edge compute, uplink, cloud compute and result
// download run as a four-stage pipeline and the frame period is the slowest
// stage (rtt delays frames but does not limit their rate):
//
//   P(S) = max(Te(S), Tup(S), Tc(V \ S), Tdown(S))     over predecessor-closed S
//
// with Te, Tup, Tc, Tdown as CostModel::evaluate prices them (bottleneck_ns()).
//
// Hardness. The problem is NP-hard in the strong sense in general. Already
// without any transfer (B -> infinity), "is there a closed S with Te(S) <= T
// and Tc(V \ S) <= T" is "is there an ideal S of the partial order with
// te(S) <= T and tc(S) >= tc(V) - T": PARTIALLY ORDERED KNAPSACK, strongly
// NP-complete (Garey & Johnson [MP12]; Johnson & Niemi 1983). With no edges
// at all and te = tc it is PARTITION. So no parametric search over T with one
// min-cut per T can be exact: Te rises and Tc falls with S, but two budget
// constraints on node sums are a knapsack, not a cut (Tup alone, over closed
// sets, is a min-cut; Tup is not monotone in S). DADS states the same
// hardness for its heavy-load problem.
//
// Algorithm (exact, exponential only inside a block). The cut-vertex
// structure of qdmp.h applies unchanged: a closed S is "everything up to c_k,
// a closed subset X of block k's interior, nothing after". Per block the
// prefix/suffix sums give Te >= Pre_e(c_k), Tc >= Suf_c(c_k+1), Tdown >= the
// downloads of later outputs, and Te + Tc >= Pre_e + Suf_c + sum min(te, tc),
// so P >= half of that; Tup >= the least tensor that must cross. Whole-block
// boundaries are O(1) each and seed the incumbent; blocks are visited by
// ascending bound and skipped once the bound reaches the incumbent; inside a
// block a depth-first branch and bound over its ideals (topological order,
// a node put in the cloud forces its block descendants there at once) with
// the same bounds on partial assignments. Blocks of DNNs are small (an
// inception block has a few hundred ideals), so this is fast in practice;
// its worst case is exponential in the block size, as hardness requires.
//
// Guarantee. If the search finishes within `node_budget` branch-and-bound
// nodes, the plan is optimal (checked against brute force in
// tests/partition/throughput_test.cpp). Otherwise Plan::exact is false and
// Plan::lower_bound_ns is a proven lower bound on the optimum (the least bound
// over the unexplored subtrees), so the gap is at most claimed - lower_bound.
//
// DSH (DADS's heavy-load algorithm) is the baseline: DADS proves the problem
// NP-hard and returns the light-load min-cut, which minimises the stage sum;
// since max <= sum <= (#stages) * max, that plan is within 3x of the optimum
// for DADS's three stages (4x with a result-download stage). We compute it with
// the precedence-correct whole-graph cut (dads-fixed) at rtt 0.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "graph/structure.h"
#include "partition/plan.h"

namespace edgecut::partition {

struct ThroughputStats {
  int blocks = 0;           // blocks with a non-empty interior
  int blocks_searched = 0;  // of those, how many the bound did not rule out
  int64_t nodes = 0;        // branch-and-bound nodes visited
  bool exact = true;
};

// Per-block data, independent of costs and bandwidth.
struct ThroughputBlock {
  int p0 = 0, p1 = 0;                     // positions of c_k and c_k+1
  std::vector<int32_t> nodes;             // interior, in topological order
  std::vector<std::vector<int>> preds;    // per interior node: interior preds (local)
  std::vector<std::vector<int>> desc;     // per interior node: interior descendants (local)
  std::vector<std::vector<ValueId>> ins;  // per interior node: activation inputs
  std::vector<ValueId> tail_ins;          // inputs of c_k+1 (empty for the sink)
  ValueId min_value = -1;                 // smallest tensor made inside that is read
};

// The solver's cost-independent half: analyse once per model, share freely.
// O(V + E + sum of block^2).
struct ThroughputStructure {
  graph::Structure st;
  std::vector<ThroughputBlock> blocks;
  std::vector<std::pair<int32_t, ValueId>> out_pos;  // (producer position, value) per graph output
  // Precondition: g is finalized.
  static std::shared_ptr<const ThroughputStructure> analyze(const Graph& g);
};

class ThroughputSolver {
 public:
  static constexpr int64_t kDefaultBudget = 2'000'000;
  using Block = ThroughputBlock;
  // cm (and its graph) must outlive this object. Analyses the structure.
  explicit ThroughputSolver(const CostModel& cm, int64_t node_budget = kDefaultBudget);
  // Shares a structure analysed from cm.graph() before: O(V) to price it.
  ThroughputSolver(const CostModel& cm, std::shared_ptr<const ThroughputStructure> s,
                   int64_t node_budget = kDefaultBudget);
  Plan solve(const Network& net);
  Plan solve(const Network& net, const Rates& rates);
  const graph::Structure& structure() const { return st_; }
  const std::shared_ptr<const ThroughputStructure>& shared_structure() const { return s_; }
  const CostModel& cost_model() const { return cm_; }
  const ThroughputStats& stats() const { return stats_; }

 private:
  const CostModel& cm_;
  std::shared_ptr<const ThroughputStructure> s_;
  const graph::Structure& st_;  // s_'s parts (on the heap: stable across moves)
  const std::vector<Block>& blocks_;
  const std::vector<std::pair<int32_t, ValueId>>& out_pos_;
  int64_t budget_;
  std::vector<int64_t> pre_e_, suf_c_;
  std::vector<int64_t> block_min_sum_;  // per block: sum over interior of min(te, tc)
  ThroughputStats stats_;

  struct Best {
    int64_t ns = 0;
    int last = 0;    // S = order[0..last] ...
    int block = -1;  // ... or order[0..p0 of block] + the block's nodes marked kEdge in side
    std::vector<signed char> side;
    int64_t lower = 0;  // least bound over what the budget left unexplored
  };
  void search_blocks(const Rates& rates, Best* best);
  int64_t down_from(const Rates& rates, int pos) const;
};

// DSH as DADS publishes it (see above); a throughput plan.
Plan solve_dsh(const CostModel& cm, const Network& net, const Rates& rates);
// Every closed set, scored by bottleneck_ns(): the test oracle.
Plan solve_brute_throughput(const CostModel& cm, const Network& net, const Rates& rates);
// Edge-only, cloud-only and neurosurgeon's best prefix scored by the bottleneck.
Plan solve_prefix_throughput(const CostModel& cm, const Network& net, const Rates& rates);

}  // namespace edgecut::partition
