#include "profile/boundaries.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "profile/stats.h"

namespace edgecut::profile {

std::vector<int> choose_boundaries(const std::vector<double>& shape, const std::vector<char>& is_cut,
                                   int count) {
  const int n = static_cast<int>(shape.size());
  if (n < 2 || count <= 0) return {};
  const int positions = n - 1;  // 0 .. n-2
  if (count >= positions) {
    std::vector<int> all(positions);
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  // cum[i] = expected time of the prefix through position i.
  std::vector<double> cum(n);
  double acc = 0;
  for (int i = 0; i < n; ++i) cum[i] = (acc += std::max(0.0, shape[i]));
  // Gaps measured in time, with a tiny per-position term so that zero-time
  // stretches still get split once time-heavy gaps are done.
  const double eps = (acc > 0 ? acc : 1.0) * 1e-6;
  auto at = [&](int i) { return cum[i] + eps * i; };
  std::vector<int> chosen = {0};
  if (positions > 1) chosen.push_back(n - 2);
  while (static_cast<int>(chosen.size()) < count) {
    std::sort(chosen.begin(), chosen.end());
    // Widest gap, counting the stretches before the first and after the last boundary.
    int best_a = -1, best_b = -1;
    double best_gap = -1;
    for (size_t k = 0; k + 1 < chosen.size(); ++k) {
      int a = chosen[k], b = chosen[k + 1];
      if (b - a < 2) continue;
      double gap = at(b) - at(a);
      if (gap > best_gap) best_gap = gap, best_a = a, best_b = b;
    }
    if (best_a < 0) break;
    double mid = (at(best_a) + at(best_b)) / 2;
    // A cut just before a node the engine fused away (shape 0: bn / relu after
    // a conv) splits a fused chain, which no sensible plan does: avoid it.
    auto safe = [&](int q) { return q + 1 >= n || shape[q + 1] > 0; };
    int pick = -1;
    double pick_dist = 0;
    for (int pass = 0; pass < 2 && pick < 0; ++pass) {
      for (int q = best_a + 1; q < best_b; ++q) {  // nearest cut vertex within a quarter gap
        if (q >= static_cast<int>(is_cut.size()) || !is_cut[q] || (pass == 0 && !safe(q))) continue;
        double dist = std::fabs(at(q) - mid);
        if (dist <= best_gap / 4 && (pick < 0 || dist < pick_dist)) pick = q, pick_dist = dist;
      }
    }
    for (int pass = 0; pass < 2 && pick < 0; ++pass) {
      for (int q = best_a + 1; q < best_b; ++q) {
        if (pass == 0 && !safe(q)) continue;
        double dist = std::fabs(at(q) - mid);
        if (pick < 0 || dist < pick_dist) pick = q, pick_dist = dist;
      }
    }
    chosen.push_back(pick);
  }
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

namespace {

// The boundaries that meet the precondition (ascending, in [0, n-2]).
std::vector<const Boundary*> valid(const std::vector<Boundary>& boundaries, int n) {
  std::vector<const Boundary*> out;
  for (const Boundary& b : boundaries) {
    if (b.pos < 0 || b.pos > n - 2 || (!out.empty() && b.pos <= out.back()->pos)) continue;
    out.push_back(&b);
  }
  return out;
}

// Cumulative knots (pos, c) between the pinned ends (-1, 0) and (n-1, total),
// made non-decreasing (isotonic fit) and within [0, total]; each gap is
// spread over its positions in proportion to `shape` (equally where the
// shape sums to 0). Returns the weights; *knots gets the fitted interior.
std::vector<double> spread_knots(std::vector<int> pos, std::vector<double> c, double total,
                                 const std::vector<double>& shape, std::vector<double>* knots) {
  const int n = static_cast<int>(shape.size());
  std::vector<double> wt(c.size(), 1.0);
  pos.insert(pos.begin(), -1);
  c.insert(c.begin(), 0.0);
  wt.insert(wt.begin(), 1e6);
  pos.push_back(n - 1);
  c.push_back(total);
  wt.push_back(1e6);
  std::vector<double> fit = isotonic(c, wt);
  for (double& x : fit) x = std::clamp(x, 0.0, total);
  fit.front() = 0;
  fit.back() = total;
  for (size_t k = 1; k < fit.size(); ++k) fit[k] = std::max(fit[k], fit[k - 1]);
  if (knots) knots->assign(fit.begin() + 1, fit.end() - 1);
  std::vector<double> weights(n, 0.0);
  for (size_t k = 0; k + 1 < pos.size(); ++k) {
    const int a = pos[k], b = pos[k + 1];
    const double delta = fit[k + 1] - fit[k];
    double s = 0;
    for (int i = a + 1; i <= b; ++i) s += std::max(0.0, shape[i]);
    for (int i = a + 1; i <= b; ++i) {
      weights[i] = s > 0 ? delta * std::max(0.0, shape[i]) / s : delta / (b - a);
    }
  }
  return weights;
}

}  // namespace

Derivation derive_segment_weights(double whole_ms, const std::vector<Boundary>& boundaries,
                                  const std::vector<double>& shape) {
  const int n = static_cast<int>(shape.size());
  Derivation d;
  d.weights.assign(n, 0.0);
  if (n == 0) return d;
  whole_ms = std::max(0.0, whole_ms);
  std::vector<double> split;
  for (const Boundary& b : boundaries) split.push_back(b.prefix_ms + b.suffix_ms - whole_ms);
  d.split_overhead_ms = split.empty() ? 0 : std::max(0.0, median(split));
  const double W = whole_ms + d.split_overhead_ms;
  d.total_ms = W;
  std::vector<int> pos;
  std::vector<double> c;
  for (const Boundary* b : valid(boundaries, n)) {
    // Two estimates of C_i: the prefix run, and W minus the suffix run. Noise
    // is roughly proportional to a run's length, so weigh each by its inverse
    // relative variance: the short side decides (small heads and small tails
    // keep small relative errors; the long side absorbs the difference).
    const double floor_ms = 1e-3 * std::max(W, 1e-9);
    const double a = 1 / std::pow(std::max(b->prefix_ms, floor_ms), 2);
    const double z = 1 / std::pow(std::max(b->suffix_ms, floor_ms), 2);
    pos.push_back(b->pos);
    c.push_back((a * b->prefix_ms + z * (W - b->suffix_ms)) / (a + z));
  }
  d.weights = spread_knots(pos, c, W, shape, &d.knots_ms);
  return d;
}

Derivation derive_side_weights(double whole_ms, const std::vector<Boundary>& boundaries,
                               const std::vector<double>& shape) {
  Derivation d = derive_segment_weights(whole_ms, boundaries, shape);
  const int n = static_cast<int>(shape.size());
  if (n == 0) return d;
  whole_ms = std::max(0.0, whole_ms);
  std::vector<int> pos;
  std::vector<double> head, tail;
  for (const Boundary* b : valid(boundaries, n)) {
    pos.push_back(b->pos);
    head.push_back(b->prefix_ms);
    tail.push_back(whole_ms - b->suffix_ms);  // the cloud's cumulative time through pos
  }
  d.head_weights = spread_knots(pos, head, whole_ms, shape, nullptr);
  d.tail_weights = spread_knots(pos, tail, whole_ms, shape, nullptr);
  return d;
}

}  // namespace edgecut::profile
