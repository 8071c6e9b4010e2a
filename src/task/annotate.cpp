#include "task/annotate.h"

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

namespace edgecut::task {
namespace {

cv::Point to_px(float x, float y, const cv::Mat& m) {
  return {static_cast<int>(std::lround(x * m.cols)), static_cast<int>(std::lround(y * m.rows))};
}

void draw_caption(cv::Mat& bgr, const std::vector<std::string>& caption) {
  const int line = 18;
  const int band = line * static_cast<int>(caption.size()) + 6;
  cv::Mat top = bgr(cv::Rect(0, 0, bgr.cols, std::min(band, bgr.rows)));
  top *= 0.35;  // darken, so white text reads on any frame
  for (size_t i = 0; i < caption.size(); ++i) {
    cv::putText(bgr, caption[i], {6, line * static_cast<int>(i + 1)}, cv::FONT_HERSHEY_SIMPLEX, 0.5,
                {255, 255, 255}, 1, cv::LINE_AA);
  }
}

}  // namespace

void annotate(cv::Mat& bgr, const TaskOutput& out, const std::vector<std::string>& caption) {
  for (const Segment& s : out.segments) {
    cv::line(bgr, to_px(s.x0, s.y0, bgr), to_px(s.x1, s.y1, bgr), {0, 0, 255}, 2, cv::LINE_AA);
  }
  for (const Face& f : out.faces) {
    cv::rectangle(bgr, to_px(f.cx - f.w / 2, f.cy - f.h / 2, bgr), to_px(f.cx + f.w / 2, f.cy + f.h / 2, bgr),
                  {0, 255, 0}, 2, cv::LINE_AA);
    for (int k = 0; k < 6; ++k) {
      cv::circle(bgr, to_px(f.keypoints[2 * k], f.keypoints[2 * k + 1], bgr), 2, {0, 255, 255}, -1);
    }
    cv::putText(bgr, fmt::format("{:.2f}", f.score), to_px(f.cx - f.w / 2, f.cy + f.h / 2 + 0.03f, bgr),
                cv::FONT_HERSHEY_SIMPLEX, 0.45, {0, 255, 0}, 1, cv::LINE_AA);
  }
  std::vector<std::string> lines = caption;
  if (!out.classes.empty()) {
    std::string s = "top:";
    for (const ClassScore& c : out.classes) s += fmt::format(" {} {:.3f}", c.cls, c.score);
    lines.push_back(s);
  }
  if (!lines.empty()) draw_caption(bgr, lines);
}

}  // namespace edgecut::task
