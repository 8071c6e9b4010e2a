#include "runtime/output_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace edgecut::runtime {

namespace {

// [1,K] or [1,K,1,1]: one row of K > 1 scores.
bool is_classifier(const exec::Tensor& t) {
  const auto& s = t.shape();
  if (t.dtype() != graph::DType::kFloat || s.size() < 2 || s[0] != 1 || s[1] < 2) return false;
  return std::all_of(s.begin() + 2, s.end(), [](int64_t d) { return d == 1; });
}

template <typename T>
void accumulate(const exec::Tensor& t, OutputSummary& out) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
  int64_t n = 0;
  for (T raw : t.as<T>()) {
    const auto v = static_cast<double>(raw);
    if (!std::isfinite(v)) {
      ++out.non_finite;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
    ++n;
  }
  if (n == 0) return;
  out.min = lo;
  out.max = hi;
  out.mean = sum / static_cast<double>(n);
}

void stats(const exec::Tensor& t, OutputSummary& out) {
  switch (t.dtype()) {
    case graph::DType::kFloat:
      return accumulate<float>(t, out);
    case graph::DType::kUInt8:
      return accumulate<uint8_t>(t, out);
    case graph::DType::kInt8:
      return accumulate<int8_t>(t, out);
    case graph::DType::kInt32:
      return accumulate<int32_t>(t, out);
    case graph::DType::kInt64:
      return accumulate<int64_t>(t, out);
    default:
      return;  // fp16 and others: shape only
  }
}

// Probabilities for scores: kept when they already are a distribution,
// otherwise a softmax (max subtracted first so exp cannot overflow).
std::vector<double> probabilities(std::span<const float> scores) {
  std::vector<double> p(scores.begin(), scores.end());
  double sum = 0;
  bool in_unit = true;
  for (double v : p) {
    in_unit = in_unit && v >= 0 && v <= 1;
    sum += v;
  }
  if (in_unit && std::abs(sum - 1) < 1e-3) return p;
  double mx = -std::numeric_limits<double>::infinity();
  for (double v : p) mx = std::isnan(v) ? mx : std::max(mx, v);
  double z = 0;
  for (double& v : p) {
    v = std::isnan(v) ? 0 : std::exp(v - mx);
    z += v;
  }
  for (double& v : p) v = z > 0 ? v / z : 0;
  return p;
}

std::vector<ClassScore> top_classes(std::span<const float> scores, int k) {
  const std::vector<double> p = probabilities(scores);
  std::vector<size_t> idx(p.size());
  std::iota(idx.begin(), idx.end(), size_t{0});
  const size_t n = std::min(p.size(), static_cast<size_t>(std::max(k, 0)));
  // Ties go to the lower index, so the result does not depend on the sort.
  std::partial_sort(idx.begin(), idx.begin() + n, idx.end(),
                    [&](size_t a, size_t b) { return p[a] != p[b] ? p[a] > p[b] : a < b; });
  std::vector<ClassScore> top;
  for (size_t i = 0; i < n; ++i) top.push_back({static_cast<int64_t>(idx[i]), p[idx[i]]});
  return top;
}

}  // namespace

OutputSummary summarise_output(const exec::Tensor& output, int top_k) {
  OutputSummary s;
  s.name = output.name();
  s.shape = output.shape();
  stats(output, s);
  s.line = fmt::format("{} [{}]:", s.name, exec::shape_str(s.shape));
  if (is_classifier(output)) {
    s.classifier = true;
    s.top = top_classes(output.as<float>(), top_k);
    s.line += fmt::format(" top-{}", s.top.size());
    for (size_t i = 0; i < s.top.size(); ++i) {
      s.line += fmt::format("{} {} {:.3f}", i == 0 ? "" : ",", s.top[i].index, s.top[i].probability);
    }
  } else {
    s.line += fmt::format(" {} min {:.4g} max {:.4g} mean {:.4g}", graph::dtype_name(output.dtype()), s.min,
                          s.max, s.mean);
  }
  if (s.non_finite > 0) s.line += fmt::format(" ({} non-finite)", s.non_finite);
  return s;
}

}  // namespace edgecut::runtime
