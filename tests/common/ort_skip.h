// Test helper, header-only: tests that need the ONNX Runtime engine skip,
// with one message saying how to get it, in builds without it:
//
//   if (auto why = edgecut::testing::ort_missing()) GTEST_SKIP() << *why;
//
// (Tests run as scripts exit 77, ctest's SKIP_RETURN_CODE, with the same text.)
#pragma once

#include <optional>
#include <string>

#include "engine/engine.h"

namespace edgecut::testing {

inline constexpr const char* kOrtMissing =
    "ONNX Runtime is not built in: run scripts/setup.sh (it fetches ORT 1.29 with npm), then "
    "re-run cmake";

inline std::optional<std::string> ort_missing() {
  if (engine::has_engine("ort")) return std::nullopt;
  return std::string(kOrtMissing);
}

}  // namespace edgecut::testing
