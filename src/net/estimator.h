// The live network estimate the edge plans against: uplink bandwidth, round
// trip time, and when to probe a link the current plan does not measure.
//
// Models what the edge can observe per inference call. The caller turns each
// call into a transfer sample (bytes sent, seconds the bytes spent on the
// wire = round trip - server compute/queue time - RTT - result download) and
// each ServerLive ping into an RTT sample. Times are seconds on any monotonic
// clock the caller keeps (steady_clock since start, say); samples arrive in
// non-decreasing time order.
//
// None of these classes lock: one thread (the edge loop) owns each instance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace edgecut::net {

struct BandwidthOptions {
  size_t window = 7;       // samples the median is taken over
  double max_age_s = 5.0;  // samples older than this (vs the newest) leave the window...
  size_t min_keep = 3;  // ...but the newest min_keep stay, so a lone sample after a pause is not the estimate
  size_t step_k = 3;    // a step is adopted after this many consecutive samples agree
  double step_ratio = 1.25;      // "agree": each is this factor above (or below) the reference median
  double min_seconds = 0.002;    // shorter transfers are timer / scheduling noise, not bandwidth
  int64_t min_bytes = 4096;      // smaller ones fit in a TCP window and measure latency, not bandwidth
  double long_seconds = 0.2;     // two transfers this long in a row are a step...
  double long_step_ratio = 2.5;  // ...when both are this factor off the estimate, on one side
};

// Uplink bandwidth from per-transfer samples.
//
// Estimate: the median rate over the window (the last `window` accepted
// samples within `max_age_s`), so one or two slow frames (a GC pause, a queue
// behind a ping) do not move it. Step detection: when the last `step_k`
// samples all lie more than `step_ratio` on the same side of the median of the
// samples before them (at least `step_k` of those), the window restarts from
// those `step_k`, so a real change of the link is adopted within `step_k`
// samples instead of after half a window.
//
// Complexity: add() and estimate_bps() are O(window log window).
class BandwidthEstimator {
 public:
  explicit BandwidthEstimator(BandwidthOptions options = {});

  // Feeds one transfer. Returns false (and counts it in rejected()) when the
  // transfer is too small or too short to measure, or not finite / positive.
  bool add(int64_t bytes, double seconds, double time_s);

  // Median rate over the window in bits per second; nullopt before any sample.
  std::optional<double> estimate_bps() const;
  // Accepted samples since construction / reset().
  size_t samples() const { return accepted_; }
  size_t rejected() const { return rejected_; }
  // Samples the estimate is computed over now.
  size_t window_size() const { return window_.size(); }
  // Time of the newest sample that completed a detected step; nullopt if none.
  std::optional<double> last_step_time() const { return last_step_time_; }
  // Forgets every sample and counter (e.g. after a network change is known).
  void reset();

  const BandwidthOptions& options() const { return options_; }

 private:
  struct Sample {
    double bps;
    double time_s;
    double seconds;  // the transfer's own duration
  };
  void prune(double now_s);
  void detect_step(double now_s);

  BandwidthOptions options_;
  std::deque<Sample> window_;
  size_t accepted_ = 0;
  size_t rejected_ = 0;
  std::optional<double> last_step_time_;
};

struct RttOptions {
  double window_s = 10.0;   // pings older than this (vs the newest) are forgotten
  size_t max_samples = 32;  // and at most this many are kept
};

// Round trip time from ServerLive pings.
//
// Estimate: the minimum over a sliding window. On a shaped link a ping can
// queue behind an upload, which adds the upload's time, never subtracts; the
// minimum is the propagation + processing RTT that the cost model wants (the
// bandwidth estimator accounts for the queueing).
//
// Complexity: add() amortised O(1), estimate_s() O(max_samples).
class RttEstimator {
 public:
  explicit RttEstimator(RttOptions options = {});

  // Returns false (and counts it) for a non-finite or negative RTT.
  bool add(double rtt_s, double time_s);
  // Minimum RTT over the window in seconds; nullopt before any sample.
  std::optional<double> estimate_s() const;
  size_t samples() const { return accepted_; }
  size_t rejected() const { return rejected_; }
  void reset();

 private:
  struct Sample {
    double rtt_s;
    double time_s;
  };
  RttOptions options_;
  std::deque<Sample> window_;
  size_t accepted_ = 0;
  size_t rejected_ = 0;
};

struct ProbeOptions {
  double max_share = 0.05;          // probes use at most this share of the estimated bandwidth
  double min_interval_s = 0.2;      // and are at least this far apart
  double target_transfer_s = 0.01;  // a probe takes about this long on the wire...
  int64_t min_bytes = 16384;    // ...but is at least this big (measurable: 4x BandwidthOptions::min_bytes)
  int64_t max_bytes = 1 << 20;  // and at most this big
  double fallback_bps = 1e6;    // the rate budgeted against before any estimate exists
};

// When to send a bandwidth probe, and how big, while the current plan sends
// too little to measure (edge-only, or a cut under BandwidthOptions::min_bytes).
//
// A probe is sized to take `target_transfer_s` at the estimated bandwidth
// (clamped to [min_bytes, max_bytes]) and spaced so that probes average at
// most `max_share` of that bandwidth and come at most once per
// `min_interval_s`. The caller asks due() each frame while probing is needed
// and calls sent() when it sends one.
//
// Complexity: O(1) per call.
class ProbePacer {
 public:
  explicit ProbePacer(ProbeOptions options = {});

  // Bytes of the probe to send at `now_s`, or nullopt when the last probe is
  // too recent. `estimate_bps` <= 0 means no estimate yet.
  std::optional<int64_t> due(double now_s, double estimate_bps) const;
  // Earliest time a probe may go out, given the estimate.
  double next_time_s(double estimate_bps) const;
  // Probe size for the estimate.
  int64_t probe_bytes(double estimate_bps) const;
  // Records a probe of `bytes` sent at `now_s`.
  void sent(double now_s, int64_t bytes);
  void reset();

 private:
  ProbeOptions options_;
  std::optional<double> last_time_s_;
  int64_t last_bytes_ = 0;
};

}  // namespace edgecut::net
