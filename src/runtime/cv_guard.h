// guard_cv: the one place OpenCV exceptions become Status values, so that
// none escapes the runtime's API (cv::Exception from an assertion inside
// resize / a videoio backend, std::bad_alloc from a huge frame).
#pragma once

#include <exception>
#include <opencv2/core.hpp>
#include <string_view>

#include "common/status.h"

namespace edgecut::runtime {

// Runs f(); an exception it throws becomes an error with `code` whose message
// starts with `what` (which should name the file / camera / tensor at fault).
template <typename F>
Status guard_cv(std::string_view what, Code code, F&& f) {
  try {
    f();
    return Status::ok();
  } catch (const cv::Exception& e) {
    return error(code, "{}: OpenCV error in {}: {}", what, e.func, e.err);
  } catch (const std::exception& e) {
    return error(code, "{}: {}", what, e.what());
  }
}

}  // namespace edgecut::runtime
