// Robust statistics for latency samples: medians, quantiles, relative spread,
// and isotonic (non-decreasing) regression.
//
// Timings on shared machines are noisy, one-sided (interference only slows a
// run down) and sometimes bimodal, so every measured time in profile/ is a
// median, reported with its spread = (p75 - p25) / median (the relative
// inter-quartile range). All functions are pure and O(n log n) at most.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace edgecut::profile {

// Linear-interpolated quantile q in [0, 1] of `xs` (any order); 0 for empty input.
double quantile(std::vector<double> xs, double q);
double median(std::vector<double> xs);
// Mean of |x| (0 for empty input).
double mean_abs(const std::vector<double>& xs);

struct Summary {
  int n = 0;
  double median = 0, p25 = 0, p75 = 0, min = 0, max = 0;
  // (p75 - p25) / median; 0 when the median is 0.
  double spread() const { return median > 0 ? (p75 - p25) / median : 0; }
};
Summary summarize(const std::vector<double>& xs);
nlohmann::json to_json(const Summary& s);

// True when the samples look bimodal: the gap between the lower and the upper
// half's medians is wider than `rel_gap` of the overall median and both halves
// are tight compared with that gap. Diagnostic only.
bool looks_bimodal(const std::vector<double>& xs, double rel_gap = 0.15);

// Pool-adjacent-violators: the non-decreasing sequence closest to `ys` in
// weighted least squares (weights > 0; empty weights = all 1). O(n).
std::vector<double> isotonic(const std::vector<double>& ys, const std::vector<double>& weights = {});

}  // namespace edgecut::profile
