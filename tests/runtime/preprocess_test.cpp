// Preprocessing: shapes, values checked against an independent per-pixel
// computation, layouts, the uint8 edge / cloud split, and refusals.
#include "runtime/preprocess.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "runtime/source.h"

namespace edgecut::runtime {
namespace {

graph::Value image_input(std::vector<int64_t> shape, graph::DType dtype = graph::DType::kFloat) {
  graph::Value v;
  v.name = "data";
  v.dtype = dtype;
  v.shape = std::move(shape);
  return v;
}

// A real frame where opencv-doc is installed, the synthetic pattern otherwise.
cv::Mat test_frame() {
  cv::VideoCapture cap("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
  cv::Mat m;
  if (cap.isOpened() && cap.read(m) && !m.empty()) return m;
  return synthetic_frame(12);
}

TEST(Preprocess, NchwShapeAndValuesMatchPerPixelReference) {
  const cv::Mat frame = test_frame();
  const graph::Value in = image_input({1, 3, 224, 224});
  auto t = preprocess(frame, in);
  ASSERT_TRUE(t) << t.status().to_string();
  EXPECT_EQ(t->name(), "data");
  EXPECT_EQ(t->dtype(), graph::DType::kFloat);
  EXPECT_EQ(t->shape(), (std::vector<int64_t>{1, 3, 224, 224}));
  const auto v = t->as<float>();
  // Plausible range: (0 - 0.485) / 0.229 .. (1 - 0.406) / 0.225, and not constant.
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  EXPECT_GE(*lo, -2.12f);
  EXPECT_LE(*hi, 2.65f);
  EXPECT_GT(*hi - *lo, 1.0f);

  // Independent reference: OpenCV's bilinear resize, then pixel by pixel in RGB.
  cv::Mat small;
  cv::resize(frame, small, cv::Size(224, 224), 0, 0, cv::INTER_LINEAR);
  const float mean[3] = {0.485f, 0.456f, 0.406f}, sd[3] = {0.229f, 0.224f, 0.225f};
  const size_t plane = 224 * 224;
  for (int y = 0; y < 224; y += 37) {
    for (int x = 0; x < 224; x += 29) {
      const cv::Vec3b bgr = small.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c) {
        const float want = (static_cast<float>(bgr[2 - c]) / 255.0f - mean[c]) / sd[c];
        EXPECT_NEAR(v[c * plane + static_cast<size_t>(y * 224 + x)], want, 1e-5f)
            << y << "," << x << " c" << c;
      }
    }
  }
}

TEST(Preprocess, NhwcIsTheSameValuesTransposed) {
  const cv::Mat frame = synthetic_frame(5);
  auto nchw = preprocess(frame, image_input({1, 3, 96, 128}));
  auto nhwc = preprocess(frame, image_input({1, 96, 128, 3}));
  ASSERT_TRUE(nchw && nhwc);
  EXPECT_EQ(nhwc->shape(), (std::vector<int64_t>{1, 96, 128, 3}));
  const auto a = nchw->as<float>(), b = nhwc->as<float>();
  for (size_t c = 0; c < 3; ++c) {
    for (size_t p = 0; p < 96 * 128; ++p) ASSERT_EQ(a[c * 96 * 128 + p], b[p * 3 + c]);
  }
}

TEST(Preprocess, EqualsCloudNormalisationOfUint8Frame) {
  const cv::Mat frame = test_frame();
  for (const auto& shape : {std::vector<int64_t>{1, 3, 224, 224}, std::vector<int64_t>{1, 160, 200, 3}}) {
    const graph::Value in = image_input(shape);
    auto u8 = to_uint8(frame, in);
    ASSERT_TRUE(u8) << u8.status().to_string();
    EXPECT_EQ(u8->dtype(), graph::DType::kUInt8);
    EXPECT_EQ(u8->shape(), shape);
    EXPECT_EQ(u8->bytes() * 4, static_cast<size_t>(exec::element_count(shape)) * sizeof(float));
    auto cloud = normalise_uint8(*u8, in);
    auto edge = preprocess(frame, in);
    ASSERT_TRUE(cloud && edge);
    EXPECT_TRUE(cloud->bit_equal(*edge));
    EXPECT_EQ(exec::max_abs_diff(*cloud, *edge), 0.0);
  }
}

TEST(Preprocess, OptionsChangeChannelOrderAndNormalisation) {
  // Same size: no resize, so with identity normalisation and BGR kept the
  // planes are the frame's own B, G, R bytes.
  const cv::Mat frame = synthetic_frame(3, 64, 48);
  PreprocessOptions raw{.bgr_to_rgb = false, .scale = 1.f, .mean = {0, 0, 0}, .std = {1, 1, 1}};
  auto t = preprocess(frame, image_input({1, 3, 48, 64}), raw);
  ASSERT_TRUE(t);
  const auto v = t->as<float>();
  const cv::Vec3b px = frame.at<cv::Vec3b>(7, 9);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(v[static_cast<size_t>(c * 48 * 64 + 7 * 64 + 9)], px[c]);
  // Default: RGB, so plane 0 is the red byte.
  auto d = to_uint8(frame, image_input({1, 3, 48, 64}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->as<uint8_t>()[7 * 64 + 9], px[2]);
  // ...and the caller's frame is untouched.
  EXPECT_EQ(frame.at<cv::Vec3b>(7, 9), px);
  EXPECT_EQ(cv::norm(frame, synthetic_frame(3, 64, 48), cv::NORM_INF), 0);
}

TEST(Preprocess, RefusalsNameTheInput) {
  const cv::Mat frame = synthetic_frame(0);
  auto not_image = preprocess(frame, image_input({1, 1000}));
  ASSERT_FALSE(not_image);
  EXPECT_NE(not_image.status().message().find("'data'"), std::string::npos) << not_image.status().message();
  EXPECT_FALSE(preprocess(frame, image_input({1, 3, 0, 224})));
  EXPECT_FALSE(preprocess(frame, image_input({2, 3, 224, 224})));
  EXPECT_FALSE(preprocess(frame, image_input({1, 3, 224, 224}, graph::DType::kInt64)));
  EXPECT_TRUE(to_uint8(frame, image_input({1, 3, 224, 224}, graph::DType::kInt64)));
  EXPECT_FALSE(preprocess(cv::Mat(), image_input({1, 3, 224, 224})));
  EXPECT_FALSE(preprocess(cv::Mat(10, 10, CV_8UC1, cv::Scalar(0)), image_input({1, 3, 224, 224})));
  PreprocessOptions bad;
  bad.std[1] = 0;
  EXPECT_FALSE(preprocess(frame, image_input({1, 3, 224, 224}), bad));
  // A uint8 frame of another size is not the cloud's input.
  auto u8 = to_uint8(frame, image_input({1, 3, 32, 32}));
  ASSERT_TRUE(u8);
  EXPECT_FALSE(normalise_uint8(*u8, image_input({1, 3, 64, 64})));
}

}  // namespace
}  // namespace edgecut::runtime
