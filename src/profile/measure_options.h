// MeasureOptions: how the measured profiling methods (profile/measure.h) and
// the SegmentTimer (profile/segment_timer.h) time segments: repeats, warm-up,
// spread limit and retries, the segment method's budget and memory bound, the
// kept statistic. Plain data; every field has a usable default.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace edgecut::profile {

// fraction in [0, 1] of the planned work done, and what is being measured.
using ProgressFn = std::function<void(double fraction, const std::string& note)>;

struct MeasureOptions {
  int repeat = 9;            // timed runs per segment (median)
  int warmup = 1;            // untimed runs per segment first (whole net: +1)
  double max_spread = 0.10;  // relative IQR above which a segment is re-measured
  int max_retries = 2;       // extra batches of `repeat` rounds for wide segments
  double budget_s = 35;      // segment: measuring-time target that sets B (and ends retries)
  int max_boundaries = 48;   // segment: upper bound on B (memory: 2B segments stay prepared)
  int min_boundaries = 8;    // segment: lower bound on B (if the model has that many positions)
  double quantile = 0.5;     // the statistic kept per segment: 0.5 = median
  // segment: a prepared segment holds one copy of its weights (OpenCV's Net;
  // measured: 104 MB of RSS per ResNet-50 instance of 102 MB of weights), so
  // every prefix + suffix pair holds about 1.3x the model's weights with
  // activations; boundaries are measured in batches (each with a fresh
  // executor, normalised to each other) so that this is not exceeded. One
  // batch is best: every boundary's rounds then span the whole measurement
  // and see the same phases of a drifting machine.
  double memory_bytes = 3e9;
  uint64_t seed = 1;    // random inputs
  ProgressFn progress;  // may be empty
  // No retry batch starts after this time (the segment method sets it from
  // its budget so that a noisy machine cannot stretch profiling without end).
  std::chrono::steady_clock::time_point retry_until = std::chrono::steady_clock::time_point::max();
};

}  // namespace edgecut::profile
