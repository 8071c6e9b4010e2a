// Output summaries: top-5 of known score vectors, probabilities kept as
// they are, and statistics for outputs that are not classifiers.
#include "runtime/output_summary.h"

#include <gtest/gtest.h>

#include <cmath>

namespace edgecut::runtime {
namespace {

exec::Tensor floats(std::vector<int64_t> shape, const std::vector<float>& v) {
  return exec::Tensor::from_floats("prob", std::move(shape), v).value();
}

TEST(OutputSummary, Top5OfLogits) {
  const std::vector<float> logits = {0.5f, 3.0f, -1.0f, 2.0f, 7.0f, 0.0f, 2.5f, -3.0f, 1.0f, 6.0f};
  const OutputSummary s = summarise_output(floats({1, 10}, logits));
  ASSERT_TRUE(s.classifier);
  ASSERT_EQ(s.top.size(), 5u);
  const int64_t want[5] = {4, 9, 1, 6, 3};
  double z = 0;
  for (float l : logits) z += std::exp(static_cast<double>(l));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(s.top[i].index, want[i]) << i;
    EXPECT_NEAR(s.top[i].probability, std::exp(static_cast<double>(logits[want[i]])) / z, 1e-9) << i;
  }
  EXPECT_NEAR(s.top[0].probability, 0.7096, 1e-4);
  EXPECT_EQ(s.line.rfind("prob [1x10]: top-5 4 0.710, 9 0.261,", 0), 0u) << s.line;
  EXPECT_DOUBLE_EQ(s.min, -3.0);
  EXPECT_DOUBLE_EQ(s.max, 7.0);
}

TEST(OutputSummary, ProbabilitiesAreNotSoftmaxedTwice) {
  std::vector<float> p(1000, 0.0f);
  p[281] = 0.6f;
  p[282] = 0.3f;
  p[999] = 0.1f;
  const OutputSummary s = summarise_output(floats({1, 1000, 1, 1}, p));
  ASSERT_TRUE(s.classifier);
  ASSERT_EQ(s.top.size(), 5u);
  EXPECT_EQ(s.top[0].index, 281);
  EXPECT_NEAR(s.top[0].probability, 0.6, 1e-6);
  EXPECT_EQ(s.top[2].index, 999);
  // Ties (all zeros) go to the lowest index.
  EXPECT_EQ(s.top[3].index, 0);
  EXPECT_EQ(s.top[4].index, 1);
}

TEST(OutputSummary, FewerClassesThanFive) {
  const OutputSummary s = summarise_output(floats({1, 3}, {1.f, 1.f, 4.f}));
  ASSERT_TRUE(s.classifier);
  ASSERT_EQ(s.top.size(), 3u);
  EXPECT_EQ(s.top[0].index, 2);
  EXPECT_EQ(s.top[1].index, 0);
}

TEST(OutputSummary, FeatureMapStatistics) {
  const OutputSummary s = summarise_output(floats({1, 2, 2, 2}, {-1.f, 0.f, 1.f, 2.f, 3.f, 4.f, 5.f, NAN}));
  EXPECT_FALSE(s.classifier);
  EXPECT_TRUE(s.top.empty());
  EXPECT_DOUBLE_EQ(s.min, -1.0);
  EXPECT_DOUBLE_EQ(s.max, 5.0);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_EQ(s.non_finite, 1);
  EXPECT_EQ(s.line, "prob [1x2x2x2]: float32 min -1 max 5 mean 2 (1 non-finite)");
}

TEST(OutputSummary, Uint8Tensor) {
  auto t = exec::Tensor::make("frame", graph::DType::kUInt8, {1, 3, 2, 2});
  ASSERT_TRUE(t);
  auto v = t->as_mutable<uint8_t>();
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i * 20);
  const OutputSummary s = summarise_output(*t);
  EXPECT_FALSE(s.classifier);
  EXPECT_DOUBLE_EQ(s.max, 220.0);
  EXPECT_DOUBLE_EQ(s.mean, 110.0);
}

}  // namespace
}  // namespace edgecut::runtime
