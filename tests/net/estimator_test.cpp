// The live network estimate on synthetic sample streams: accuracy on a noisy
// link, robustness to a slow frame, step adoption, the RTT minimum filter and
// the probe pacer's bounds.
#include "net/estimator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace edgecut::net {
namespace {

constexpr double kMbps = 1e6;

// A link as the edge sees it: frames of `bytes` every `frame_s` (or back to
// back when a transfer takes longer), each at the true rate times a jitter.
struct Link {
  BandwidthEstimator est;
  double t = 0;
  int64_t bytes = 200'000;
  double frame_s = 0.1;

  // Feeds one frame sent at truth_bps * factor; returns the estimate after it.
  double send(double truth_bps, double factor = 1.0) {
    const double seconds = static_cast<double>(bytes) * 8.0 / (truth_bps * factor);
    t += std::max(frame_s, seconds);
    EXPECT_TRUE(est.add(bytes, seconds, t));
    return est.estimate_bps().value_or(-1);
  }
};

double rel_err(double est, double truth) { return std::abs(est - truth) / truth; }

TEST(BandwidthEstimator, NoEstimateBeforeSamples) {
  BandwidthEstimator est;
  EXPECT_FALSE(est.estimate_bps().has_value());
  EXPECT_EQ(est.samples(), 0u);
  EXPECT_FALSE(est.last_step_time().has_value());
}

TEST(BandwidthEstimator, SteadyNoisyStreamWithin5Percent) {
  // +-4% jitter on every frame and every fifth frame at half speed: a mean
  // would sit ~10% low and the last sample is 50% off on those frames.
  Link link;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(0.96, 1.04);
  const double truth = 20 * kMbps;
  int slow = 0;
  for (int i = 0; i < 200; ++i) {
    const bool half = i % 5 == 4;
    slow += half;
    const double e = link.send(truth, jitter(rng) * (half ? 0.5 : 1.0));
    if (i >= 6) {
      EXPECT_LT(rel_err(e, truth), 0.05) << "frame " << i;
    }
  }
  EXPECT_EQ(slow, 40);
  EXPECT_FALSE(link.est.last_step_time().has_value()) << "isolated slow frames are not a step";
  EXPECT_EQ(link.est.samples(), 200u);
  EXPECT_EQ(link.est.window_size(), 7u);
}

TEST(BandwidthEstimator, OneSlowOutlierMovesEstimateLessThan5Percent) {
  Link link;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> jitter(0.98, 1.02);
  const double truth = 30 * kMbps;
  for (int i = 0; i < 10; ++i) link.send(truth, jitter(rng));
  const double before = *link.est.estimate_bps();
  const double after = link.send(truth, 0.2);  // 5x slower
  EXPECT_LT(rel_err(after, before), 0.05);
  EXPECT_LT(rel_err(after, truth), 0.05);
  // ...and the frames after it are not dragged either.
  for (int i = 0; i < 3; ++i) EXPECT_LT(rel_err(link.send(truth, jitter(rng)), truth), 0.05);
}

// Sends `before` for a while, then `after`; returns the number of frames at
// the new rate until the estimate is within 10% of it.
int frames_to_adopt(double before, double after, double* adopted_at) {
  Link link;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> jitter(0.97, 1.03);
  for (int i = 0; i < 12; ++i) link.send(before, jitter(rng));
  EXPECT_FALSE(link.est.last_step_time().has_value());
  for (int n = 1; n <= 20; ++n) {
    if (rel_err(link.send(after, jitter(rng)), after) < 0.1) {
      *adopted_at = link.t;
      EXPECT_EQ(link.est.last_step_time().value_or(-1), link.t);
      return n;
    }
  }
  return 1000;
}

TEST(BandwidthEstimator, StepDownAdoptedWithin3Samples) {
  double at = 0;
  const int n = frames_to_adopt(50 * kMbps, 5 * kMbps, &at);
  EXPECT_LE(n, 3);
  EXPECT_GE(n, 2) << "a single slow frame must not be taken as a step";
}

TEST(BandwidthEstimator, StepUpAdoptedWithin3Samples) {
  double at = 0;
  const int n = frames_to_adopt(5 * kMbps, 50 * kMbps, &at);
  EXPECT_LE(n, 3);
  EXPECT_GE(n, 2);
}

TEST(BandwidthEstimator, RejectsUnmeasurableSamples) {
  BandwidthEstimator est;
  EXPECT_FALSE(est.add(100'000, 0.001, 1.0));   // < 2 ms
  EXPECT_FALSE(est.add(1'000, 0.010, 1.0));     // < 4 KB
  EXPECT_FALSE(est.add(100'000, -0.004, 1.0));  // overheads over-subtracted
  EXPECT_FALSE(est.add(100'000, NAN, 1.0));
  EXPECT_EQ(est.rejected(), 4u);
  EXPECT_EQ(est.samples(), 0u);
  EXPECT_FALSE(est.estimate_bps().has_value());
  EXPECT_TRUE(est.add(100'000, 0.08, 1.0));
  EXPECT_NEAR(*est.estimate_bps(), 10 * kMbps, 1.0);
  est.reset();
  EXPECT_EQ(est.rejected(), 0u);
  EXPECT_EQ(est.samples(), 0u);
  EXPECT_FALSE(est.estimate_bps().has_value());
}

TEST(BandwidthEstimator, OldSamplesAgeOutButTheNewestStay) {
  BandwidthOptions o;
  o.max_age_s = 2.0;
  BandwidthEstimator est(o);
  for (int i = 0; i < 7; ++i) est.add(100'000, 0.08, 0.1 * i);  // 10 Mbit/s
  EXPECT_EQ(est.window_size(), 7u);
  // After a 10 s pause two samples at 20 Mbit/s: the old ones are gone, but
  // the window keeps min_keep, so these two plus one old sample vote.
  est.add(100'000, 0.04, 10.0);
  est.add(100'000, 0.04, 10.1);
  EXPECT_EQ(est.window_size(), 3u);
  EXPECT_NEAR(*est.estimate_bps(), 20 * kMbps, 1.0);
}

TEST(RttEstimator, MinimumOverWindow) {
  RttEstimator rtt({.window_s = 5.0, .max_samples = 32});
  EXPECT_FALSE(rtt.estimate_s().has_value());
  // Pings that queued behind uploads read high; the minimum is the base RTT.
  const std::vector<double> pings = {0.045, 0.020, 0.130, 0.021, 0.300, 0.024};
  for (size_t i = 0; i < pings.size(); ++i) rtt.add(pings[i], 0.5 * static_cast<double>(i));
  EXPECT_DOUBLE_EQ(*rtt.estimate_s(), 0.020);
  // Route change to a longer path: once the 20 ms ping ages out, the new
  // minimum is adopted.
  for (int i = 0; i < 12; ++i) rtt.add(0.080 + 0.01 * (i % 3), 3.0 + 0.5 * i);
  EXPECT_DOUBLE_EQ(*rtt.estimate_s(), 0.080);
  EXPECT_FALSE(rtt.add(-1.0, 10.0));
  EXPECT_EQ(rtt.rejected(), 1u);
  EXPECT_EQ(rtt.samples(), pings.size() + 12);
}

TEST(RttEstimator, KeepsAtMostMaxSamples) {
  RttEstimator rtt({.window_s = 1e9, .max_samples = 4});
  rtt.add(0.010, 0);
  for (int i = 1; i <= 4; ++i) rtt.add(0.050, i);
  EXPECT_DOUBLE_EQ(*rtt.estimate_s(), 0.050);
}

// Simulates `seconds` of edge-only frames polling the pacer every 10 ms.
struct PacerRun {
  int probes = 0;
  double bits = 0;
  double min_gap = INFINITY;
  int64_t min_bytes = INT64_MAX, max_bytes = 0;
};
PacerRun run_pacer(ProbePacer& pacer, double bps, double seconds) {
  PacerRun r;
  double last = -INFINITY;
  for (double t = 0; t < seconds; t += 0.01) {
    if (auto b = pacer.due(t, bps)) {
      pacer.sent(t, *b);
      ++r.probes;
      r.bits += static_cast<double>(*b) * 8.0;
      r.min_gap = std::min(r.min_gap, t - last);
      r.min_bytes = std::min(r.min_bytes, *b);
      r.max_bytes = std::max(r.max_bytes, *b);
      last = t;
    }
  }
  return r;
}

TEST(ProbePacer, BoundedRateAndMeasurableSize) {
  const BandwidthOptions measurable;
  for (double bps : {0.5 * kMbps, 5 * kMbps, 50 * kMbps, 1000 * kMbps}) {
    SCOPED_TRACE(bps);
    ProbePacer pacer;
    const double seconds = 60;
    const PacerRun r = run_pacer(pacer, bps, seconds);
    ASSERT_GT(r.probes, 2);
    EXPECT_GE(r.min_gap, 0.2 - 1e-9);
    // Average probe rate at most 5% of the link (one probe of slack for the first).
    EXPECT_LE((r.bits - static_cast<double>(r.max_bytes) * 8) / seconds, 0.05 * bps);
    // Every probe is big and long enough for the estimator to accept.
    EXPECT_GE(r.min_bytes, measurable.min_bytes);
    const double transfer_s = static_cast<double>(r.min_bytes) * 8 / bps;
    if (bps < 1000 * kMbps) {
      EXPECT_GE(transfer_s, measurable.min_seconds);
    }
  }
}

TEST(ProbePacer, FastLinkProbesEvery200ms) {
  ProbePacer pacer;
  const PacerRun r = run_pacer(pacer, 100 * kMbps, 10);
  // 10 ms at 100 Mbit/s = 125 KB; 5% of 100 Mbit/s allows one every 200 ms.
  EXPECT_EQ(r.max_bytes, 125'000);
  EXPECT_NEAR(r.probes, 50, 1);
}

TEST(ProbePacer, SlowLinkSpacesMinimumProbesByRate) {
  ProbePacer pacer;
  EXPECT_EQ(pacer.due(0, 0.5 * kMbps).value_or(0), 16384);
  pacer.sent(0, 16384);
  // 16384 B = 131 kbit at 5% of 0.5 Mbit/s = 25 kbit/s: 5.24 s apart.
  EXPECT_NEAR(pacer.next_time_s(0.5 * kMbps), 5.24288, 1e-9);
  EXPECT_FALSE(pacer.due(5.2, 0.5 * kMbps).has_value());
  EXPECT_TRUE(pacer.due(5.25, 0.5 * kMbps).has_value());
  // Without an estimate the fallback budget (1 Mbit/s) applies.
  EXPECT_NEAR(pacer.next_time_s(0), 2.62144, 1e-9);
}

}  // namespace
}  // namespace edgecut::net

namespace edgecut::net {
namespace {

TEST(BandwidthEstimator, TwoLongTransfersFarOffAreAStep) {
  BandwidthEstimator e;
  double t = 0;
  for (int i = 0; i < 7; ++i) e.add(600000, 600000 * 8 / 50e6, t += 0.2);  // 50 Mbit/s, 96 ms each
  ASSERT_NEAR(*e.estimate_bps(), 50e6, 1e3);
  e.add(600000, 600000 * 8 / 5e6, t += 1);  // one 960 ms upload at 5 Mbit/s: an outlier so far
  EXPECT_NEAR(*e.estimate_bps(), 50e6, 1e3);
  e.add(600000, 600000 * 8 / 5e6, t += 1);  // the second: a step, adopted now
  EXPECT_NEAR(*e.estimate_bps(), 5e6, 1e3);
  // A short transfer 3x off is not enough on its own.
  BandwidthEstimator f;
  for (int i = 0; i < 7; ++i) f.add(60000, 60000 * 8 / 50e6, t += 0.2);
  f.add(60000, 60000 * 8 / 15e6, t += 0.2);
  EXPECT_NEAR(*f.estimate_bps(), 50e6, 1e3);
}

}  // namespace
}  // namespace edgecut::net
