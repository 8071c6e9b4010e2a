// The built-in synthetic stream: a pattern computed with integer arithmetic
// only (no OpenCV drawing, whose anti-aliasing could change between
// versions), so a frame index names the same bytes everywhere.
#include <algorithm>

#include "runtime/source.h"

namespace edgecut::runtime {

namespace {

constexpr double kSyntheticFps = 30;

// Position along a bouncing path of length `span` at `speed` pixels per frame.
int bounce(uint64_t t, int speed, int span) {
  if (span <= 0) return 0;
  const uint64_t period = 2 * static_cast<uint64_t>(span);
  const auto p = static_cast<int>((t * static_cast<uint64_t>(speed)) % period);
  return p <= span ? p : static_cast<int>(period) - p;
}

class SyntheticSource final : public FrameSource {
 public:
  SyntheticSource(int width, int height) : width_(width), height_(height) {}

  Expected<std::optional<Frame>> next() override {
    Frame f{synthetic_frame(index_, width_, height_), index_, static_cast<double>(index_) / kSyntheticFps};
    ++index_;
    return std::optional<Frame>(std::move(f));
  }
  const std::string& name() const override { return name_; }
  double fps() const override { return kSyntheticFps; }
  bool live() const override { return false; }

 private:
  int width_;
  int height_;
  int64_t index_ = 0;
  std::string name_ = "synthetic";
};

}  // namespace

cv::Mat synthetic_frame(int64_t index, int width, int height) {
  width = std::max(width, 1);
  height = std::max(height, 1);
  const auto t = static_cast<uint64_t>(std::max<int64_t>(index, 0));
  cv::Mat m(height, width, CV_8UC3);
  // Background: diagonal colour ramps that scroll with t, so consecutive
  // frames differ everywhere (a codec or a delta encoder cannot skip them).
  for (int y = 0; y < height; ++y) {
    auto* p = m.ptr<uint8_t>(y);
    for (int x = 0; x < width; ++x, p += 3) {
      p[0] = static_cast<uint8_t>((static_cast<uint64_t>(x) + 4 * t) & 255);
      p[1] = static_cast<uint8_t>((static_cast<uint64_t>(y) + 2 * t) & 255);
      p[2] = static_cast<uint8_t>((static_cast<uint64_t>((x ^ y) & 255) + t) & 255);
    }
  }
  // A solid square bouncing off the edges: an object that moves.
  const int side = std::max(1, std::min(width, height) / 6);
  const int x0 = bounce(t, 7, width - side);
  const int y0 = bounce(t, 5, height - side);
  m(cv::Rect(x0, y0, side, side)).setTo(cv::Scalar(40, 200, 255));
  return m;
}

std::unique_ptr<FrameSource> make_synthetic(int width, int height) {
  return std::make_unique<SyntheticSource>(std::max(width, 1), std::max(height, 1));
}

}  // namespace edgecut::runtime
