#include "net/estimator.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace edgecut::net {

namespace {

// Median of rates; the mean of the two middle ones for an even count.
template <typename It>
double median_bps(It begin, It end) {
  std::vector<double> v;
  for (It it = begin; it != end; ++it) v.push_back(it->bps);
  const size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + n / 2, v.end());
  const double hi = v[n / 2];
  if (n % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + n / 2);
  return 0.5 * (lo + hi);
}

}  // namespace

BandwidthEstimator::BandwidthEstimator(BandwidthOptions options) : options_(options) {
  // A window shorter than a step would never hold a reference to compare with.
  options_.window = std::max<size_t>(options_.window, 1);
  options_.step_k = std::max<size_t>(options_.step_k, 1);
}

bool BandwidthEstimator::add(int64_t bytes, double seconds, double time_s) {
  if (!std::isfinite(seconds) || !std::isfinite(time_s) || seconds < options_.min_seconds ||
      bytes < options_.min_bytes || seconds <= 0 || bytes <= 0) {
    ++rejected_;
    return false;
  }
  ++accepted_;
  window_.push_back({static_cast<double>(bytes) * 8.0 / seconds, time_s, seconds});
  prune(time_s);
  detect_step(time_s);
  return true;
}

void BandwidthEstimator::prune(double now_s) {
  while (window_.size() > options_.window) window_.pop_front();
  while (window_.size() > options_.min_keep && now_s - window_.front().time_s > options_.max_age_s) {
    window_.pop_front();
  }
}

void BandwidthEstimator::detect_step(double now_s) {
  // Two long transfers far from the estimate, on the same side, are a step:
  // a transfer of `long_seconds` averages out the noise short ones carry, and
  // when one frame's upload takes a second, waiting for step_k of them costs
  // step_k seconds. One alone is still treated as an outlier.
  if (window_.size() >= 3) {
    const auto last2 = window_.end() - 2;
    const double ref = median_bps(window_.begin(), last2);
    auto off = [&](const Sample& s, bool up) {
      const double r = s.bps / ref;
      return s.seconds >= options_.long_seconds &&
             (up ? r > options_.long_step_ratio : r * options_.long_step_ratio < 1);
    };
    for (bool up : {true, false}) {
      if (off(*last2, up) && off(window_.back(), up)) {
        window_.erase(window_.begin(), last2);
        last_step_time_ = now_s;
        return;
      }
    }
  }
  const size_t k = options_.step_k;
  if (window_.size() < 2 * k) return;  // a reference of fewer than k samples is itself noise
  const auto recent = window_.end() - static_cast<std::ptrdiff_t>(k);
  const double ref = median_bps(window_.begin(), recent);
  const bool all_above =
      std::all_of(recent, window_.end(), [&](const Sample& s) { return s.bps > ref * options_.step_ratio; });
  const bool all_below =
      std::all_of(recent, window_.end(), [&](const Sample& s) { return s.bps * options_.step_ratio < ref; });
  if (!all_above && !all_below) return;
  window_.erase(window_.begin(), recent);
  last_step_time_ = now_s;
}

std::optional<double> BandwidthEstimator::estimate_bps() const {
  if (window_.empty()) return std::nullopt;
  return median_bps(window_.begin(), window_.end());
}

void BandwidthEstimator::reset() {
  window_.clear();
  accepted_ = 0;
  rejected_ = 0;
  last_step_time_.reset();
}

RttEstimator::RttEstimator(RttOptions options) : options_(options) {
  options_.max_samples = std::max<size_t>(options_.max_samples, 1);
}

bool RttEstimator::add(double rtt_s, double time_s) {
  if (!std::isfinite(rtt_s) || !std::isfinite(time_s) || rtt_s < 0) {
    ++rejected_;
    return false;
  }
  ++accepted_;
  window_.push_back({rtt_s, time_s});
  while (window_.size() > options_.max_samples) window_.pop_front();
  // The newest sample always stays: an old minimum must not outlive a route change.
  while (window_.size() > 1 && time_s - window_.front().time_s > options_.window_s) window_.pop_front();
  return true;
}

std::optional<double> RttEstimator::estimate_s() const {
  if (window_.empty()) return std::nullopt;
  return std::min_element(window_.begin(), window_.end(),
                          [](const Sample& a, const Sample& b) { return a.rtt_s < b.rtt_s; })
      ->rtt_s;
}

void RttEstimator::reset() {
  window_.clear();
  accepted_ = 0;
  rejected_ = 0;
}

ProbePacer::ProbePacer(ProbeOptions options) : options_(options) {
  options_.min_bytes = std::max<int64_t>(options_.min_bytes, 1);
  options_.max_bytes = std::max(options_.max_bytes, options_.min_bytes);
  if (!(options_.max_share > 0)) options_.max_share = 1e-3;  // a zero share would divide by zero
}

namespace {
double budget_bps(const ProbeOptions& o, double estimate_bps) {
  return (estimate_bps > 0 && std::isfinite(estimate_bps)) ? estimate_bps : o.fallback_bps;
}
}  // namespace

int64_t ProbePacer::probe_bytes(double estimate_bps) const {
  const double want = budget_bps(options_, estimate_bps) / 8.0 * options_.target_transfer_s;
  return std::clamp(static_cast<int64_t>(std::llround(std::min(want, 1e15))), options_.min_bytes,
                    options_.max_bytes);
}

double ProbePacer::next_time_s(double estimate_bps) const {
  if (!last_time_s_) return -INFINITY;
  // Spacing a probe of b bytes by b*8 / (share*bw) keeps the average at share*bw.
  const double gap =
      static_cast<double>(last_bytes_) * 8.0 / (options_.max_share * budget_bps(options_, estimate_bps));
  return *last_time_s_ + std::max(options_.min_interval_s, gap);
}

std::optional<int64_t> ProbePacer::due(double now_s, double estimate_bps) const {
  if (now_s < next_time_s(estimate_bps)) return std::nullopt;
  return probe_bytes(estimate_bps);
}

void ProbePacer::sent(double now_s, int64_t bytes) {
  last_time_s_ = now_s;
  last_bytes_ = std::max<int64_t>(bytes, 0);
}

void ProbePacer::reset() {
  last_time_s_.reset();
  last_bytes_ = 0;
}

}  // namespace edgecut::net
