// eval/accuracy on synthetic numbers: error statistics and the per-round
// drift correction (no engine runs).
#include "eval/accuracy.h"

#include <gtest/gtest.h>

#include <cmath>

namespace edgecut::eval {
namespace {

TEST(ErrorStats, MeanAbsoluteP90AndSigned) {
  const ErrorStats s = error_stats({10, -20, 30, -40});
  EXPECT_EQ(s.n, 4u);
  EXPECT_DOUBLE_EQ(s.mean_abs_pct, 25);
  EXPECT_DOUBLE_EQ(s.mean_signed_pct, -5);
  // |e| sorted 10 20 30 40: the 0.9 quantile interpolates 30 .. 40 at 0.7.
  EXPECT_NEAR(s.p90_abs_pct, 37, 1e-9);
  const ErrorStats none = error_stats({});
  EXPECT_EQ(none.n, 0u);
  EXPECT_EQ(none.mean_abs_pct, 0);
  EXPECT_EQ(none.mean_signed_pct, 0);
}

// Two nodes; the profile says 2 ms + 1 ms at profiling time, with per-layer
// times 2 and 1. In round r the machine is slower by a factor that is not
// uniform (node 0 x s0[r], node 1 x s1[r]), and the side {0} ran in 2 x s0[r].
TEST(CorrectedError, CancelsNonUniformDriftPerRound) {
  TestPlan t;
  const std::vector<double> s0 = {1.0, 1.4, 1.1}, s1 = {1.0, 1.0, 2.0};
  std::vector<double> side;
  for (size_t r = 0; r < s0.size(); ++r) {
    t.whole_layers.push_back({2 * s0[r], 1 * s1[r]});
    t.whole_samples.push_back(2 * s0[r] + s1[r]);
    side.push_back(2 * s0[r]);
  }
  const std::vector<double> profile_layers = {2, 1};
  EXPECT_NEAR(corrected_error(2.0, {0}, side, t, profile_layers, 3.0), 0, 1e-9);
  // A prediction 10% high stays 10% high whatever the drift.
  EXPECT_NEAR(corrected_error(2.2, {0}, side, t, profile_layers, 3.0), 10, 1e-9);
}

TEST(CorrectedError, FallsBackToWholeNetTimeWithoutLayerTimes) {
  TestPlan t;
  t.whole_samples = {10, 20};  // the machine twice as slow in round 1
  const std::vector<double> side = {4, 8};
  EXPECT_NEAR(corrected_error(4, {0}, side, t, {}, 10), 0, 1e-9);
  EXPECT_NEAR(corrected_error(5, {0}, side, t, {}, 10), 25, 1e-9);
}

TEST(CorrectedError, NanWhenNoRoundGivesAScale) {
  TestPlan t;
  t.whole_samples = {10};
  EXPECT_TRUE(std::isnan(corrected_error(4, {0}, {4}, t, {}, 0)));
  EXPECT_TRUE(std::isnan(corrected_error(4, {0}, {}, t, {}, 10)));
}

}  // namespace
}  // namespace edgecut::eval
