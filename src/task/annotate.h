// Drawing a task's output on the frame it came from (`run --annotate`, the
// demo): segments as lines, faces as boxes with their key points, classes as
// text, and caption lines (the frame's plan) in a band at the top.
// Coordinates are the decoders' normalised ones (task/decode.h), scaled to
// the frame. O(frame pixels touched).
#pragma once

#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "task/decode.h"

namespace edgecut::task {

// Draws on `bgr` (CV_8UC3) in place; precondition: bgr non-empty.
void annotate(cv::Mat& bgr, const TaskOutput& out, const std::vector<std::string>& caption);

}  // namespace edgecut::task
