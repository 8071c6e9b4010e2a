#include "profile/stats.h"

#include <algorithm>
#include <cmath>

namespace edgecut::profile {

double quantile(std::vector<double> xs, double q) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  q = std::clamp(q, 0.0, 1.0);
  double pos = q * static_cast<double>(xs.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, xs.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return xs[lo] + (xs[hi] - xs[lo]) * frac;
}

double median(std::vector<double> xs) { return quantile(std::move(xs), 0.5); }

double mean_abs(const std::vector<double>& xs) {
  if (xs.empty()) return 0;
  double s = 0;
  for (double x : xs) s += std::fabs(x);
  return s / static_cast<double>(xs.size());
}

Summary summarize(const std::vector<double>& xs) {
  Summary s;
  s.n = static_cast<int>(xs.size());
  if (xs.empty()) return s;
  std::vector<double> sorted = xs;
  std::sort(sorted.begin(), sorted.end());
  s.median = quantile(sorted, 0.5);
  s.p25 = quantile(sorted, 0.25);
  s.p75 = quantile(sorted, 0.75);
  s.min = sorted.front();
  s.max = sorted.back();
  return s;
}

nlohmann::json to_json(const Summary& s) {
  return {{"n", s.n},        {"median_ms", s.median}, {"p25_ms", s.p25},     {"p75_ms", s.p75},
          {"min_ms", s.min}, {"max_ms", s.max},       {"spread", s.spread()}};
}

bool looks_bimodal(const std::vector<double>& xs, double rel_gap) {
  if (xs.size() < 6) return false;
  std::vector<double> sorted = xs;
  std::sort(sorted.begin(), sorted.end());
  size_t half = sorted.size() / 2;
  std::vector<double> lo(sorted.begin(), sorted.begin() + half), hi(sorted.end() - half, sorted.end());
  double med = quantile(sorted, 0.5);
  double gap = median(hi) - median(lo);
  if (med <= 0 || gap < rel_gap * med) return false;
  double lo_iqr = quantile(lo, 0.75) - quantile(lo, 0.25);
  double hi_iqr = quantile(hi, 0.75) - quantile(hi, 0.25);
  return lo_iqr < gap / 3 && hi_iqr < gap / 3;
}

std::vector<double> isotonic(const std::vector<double>& ys, const std::vector<double>& weights) {
  struct Block {
    double sum_wy, sum_w;
    size_t count;
    double mean() const { return sum_wy / sum_w; }
  };
  std::vector<Block> blocks;
  blocks.reserve(ys.size());
  for (size_t i = 0; i < ys.size(); ++i) {
    double w = weights.empty() ? 1.0 : std::max(weights[i], 1e-12);
    blocks.push_back({w * ys[i], w, 1});
    while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() > blocks.back().mean()) {
      Block b = blocks.back();
      blocks.pop_back();
      blocks.back().sum_wy += b.sum_wy;
      blocks.back().sum_w += b.sum_w;
      blocks.back().count += b.count;
    }
  }
  std::vector<double> out;
  out.reserve(ys.size());
  for (const Block& b : blocks) out.insert(out.end(), b.count, b.mean());
  return out;
}

}  // namespace edgecut::profile
