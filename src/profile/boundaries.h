// The segment method's two pure steps: where to cut the model for timing
// (choose_boundaries) and how to turn prefix / suffix times into per-node
// weights (derive_segment_weights). No engine here; tests drive both with
// synthetic costs (tests/profile/derive_test.cpp).
#pragma once

#include <vector>

namespace edgecut::profile {

// Chooses `count` boundary positions in [0, n-2] (n = shape.size(); the
// prefix through position i is a head, the rest its tail), ascending. shape:
// expected time per topological position; is_cut: per position, whether that
// node is a cut vertex. Includes 0 and n-2 (per-run overheads land on the
// nodes every head / tail contains), then repeatedly splits the widest gap in
// cumulative shape, at a cut vertex within a quarter of the gap from its
// middle if any (the partitioners cut at or near cut vertices), else at the
// position nearest the middle (dense / inception blocks). O(count * n).
std::vector<int> choose_boundaries(const std::vector<double>& shape, const std::vector<char>& is_cut,
                                   int count);

struct Boundary {
  int pos = 0;           // last topological position of the prefix
  double prefix_ms = 0;  // measured T(P_pos)
  double suffix_ms = 0;  // measured T(S_pos)
};

struct Derivation {
  std::vector<double> weights;   // per topological position, >= 0
  double total_ms = 0;           // sum of weights = whole + split_overhead
  double split_overhead_ms = 0;  // median over boundaries of T(P)+T(S)-T(whole), >= 0
  std::vector<double> knots_ms;  // cumulative weight at each boundary (after isotonic fit)
};

// Weights from segment times. With W = whole + split_overhead (a split run
// pays the engine's per-run cost twice), the cumulative weight through
// boundary i has two estimates, T(P_i) and W - T(S_i); C_i is their average
// weighted by inverse relative variance (1/T(P_i)^2, 1/T(S_i)^2), so the
// shorter side of each cut is predicted closely and the longer side absorbs
// the boundary's deviation from the median split cost (a small share of it).
// The C_i are made non-decreasing (isotonic fit, C = 0 before position 0 and
// W after n-1) and each gap C_b - C_a is spread over positions a+1..b in
// proportion to `shape` (equally where the shape sums to 0). Boundaries must
// be ascending in [0, n-2]; others are skipped. O(n + B).
Derivation derive_segment_weights(double whole_ms, const std::vector<Boundary>& boundaries,
                                  const std::vector<double>& shape);

}  // namespace edgecut::profile
