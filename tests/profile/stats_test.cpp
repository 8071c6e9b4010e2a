#include "profile/stats.h"

#include <gtest/gtest.h>

namespace edgecut::profile {
namespace {

TEST(Stats, QuantilesInterpolate) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 2, 3}), 2.5);
  EXPECT_DOUBLE_EQ(quantile({0, 10}, 0.25), 2.5);
  EXPECT_DOUBLE_EQ(quantile({}, 0.5), 0);
  EXPECT_DOUBLE_EQ(quantile({7}, 0.9), 7);
  EXPECT_DOUBLE_EQ(quantile({1, 2, 3}, 2.0), 3);  // clamped
}

TEST(Stats, SummarySpreadIsRelativeIqr) {
  Summary s = summarize({10, 10, 10, 10, 10});
  EXPECT_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(s.spread(), 0);
  s = summarize({8, 9, 10, 11, 12});
  EXPECT_DOUBLE_EQ(s.median, 10);
  EXPECT_DOUBLE_EQ(s.p25, 9);
  EXPECT_DOUBLE_EQ(s.p75, 11);
  EXPECT_DOUBLE_EQ(s.spread(), 0.2);
  EXPECT_DOUBLE_EQ(s.min, 8);
  EXPECT_DOUBLE_EQ(s.max, 12);
  EXPECT_DOUBLE_EQ(summarize({}).spread(), 0);
  EXPECT_DOUBLE_EQ(summarize({0, 0}).spread(), 0);
}

TEST(Stats, MedianIgnoresOneSidedOutliers) {
  // Interference only slows runs down: a few huge samples must not move the median much.
  std::vector<double> xs = {50, 50.5, 49.8, 50.2, 300, 51, 49.9, 250, 50.1};
  EXPECT_NEAR(median(xs), 50.2, 1e-9);
}

TEST(Stats, Bimodal) {
  std::vector<double> two = {67, 108, 67.5, 107, 66.8, 108.5, 67.2, 107.7};
  EXPECT_TRUE(looks_bimodal(two));
  std::vector<double> one = {67, 68, 67.5, 66, 66.8, 68.5, 67.2, 67.7};
  EXPECT_FALSE(looks_bimodal(one));
  EXPECT_FALSE(looks_bimodal({1, 100}));  // too few samples to say
}

TEST(Stats, IsotonicPoolsViolators) {
  EXPECT_EQ(isotonic({1, 2, 3}), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(isotonic({3, 1}), (std::vector<double>{2, 2}));
  std::vector<double> fit = isotonic({1, 3, 2, 4});
  EXPECT_EQ(fit, (std::vector<double>{1, 2.5, 2.5, 4}));
  // A heavy point wins the pool.
  fit = isotonic({0, 5, 1}, {1, 1, 1000});
  EXPECT_NEAR(fit[1], (5 + 1000.0) / 1001, 1e-9);
  EXPECT_DOUBLE_EQ(fit[0], 0);
  EXPECT_TRUE(isotonic({}).empty());
  std::vector<double> noisy = {0, 2, 1, 3, 2.5, 6, 5, 7};
  fit = isotonic(noisy);
  for (size_t i = 1; i < fit.size(); ++i) EXPECT_LE(fit[i - 1], fit[i]);
  double a = 0, b = 0;
  for (size_t i = 0; i < fit.size(); ++i) a += fit[i], b += noisy[i];
  EXPECT_NEAR(a, b, 1e-9);  // the unweighted fit keeps the mean
}

}  // namespace
}  // namespace edgecut::profile
