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
  // Per-side weights (derive_side_weights); empty from derive_segment_weights.
  std::vector<double> head_weights, tail_weights;
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

// derive_segment_weights plus weights for each side of a split. The split
// cost T(P)+T(S)-T(whole) is not one constant: on ORT at 2 threads it is
// 2.5-3.3 ms for cuts inside densenet121's first dense block and 0.3-0.6 ms
// in its last, and one set of weights sums to one total for every cut. Head
// weights fit the prefix runs alone (cumulative knots 0, T(P_i)..., whole),
// tail weights the suffix runs alone (T(S_i) summed from the end, whole for
// the full suffix); each made monotone (isotonic) and spread over positions
// by `shape`. A head or tail that ends at a boundary is then predicted by
// its own measurement, split cost included; edge-only and cloud-only by the
// whole net. Same preconditions; O(n + B).
Derivation derive_side_weights(double whole_ms, const std::vector<Boundary>& boundaries,
                               const std::vector<double>& shape);

}  // namespace edgecut::profile
