// Test helper, header-only: the torchvision exports made by the ctest fixture
// export_torchvision (tests/fixtures/export_torchvision.py). Every test that
// needs one skips, with the same message saying how to get it, when it is
// missing:
//
//   if (auto why = edgecut::testing::torchvision_missing("resnet50")) GTEST_SKIP() << *why;
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "test_paths.h"

namespace edgecut::testing {

// fixtures_dir()/NAME.onnx (and NAME.input.bin, .output.bin, .json).
inline std::string torchvision_path(const std::string& name, const std::string& ext = ".onnx") {
  return (std::filesystem::path(fixtures_dir()) / (name + ext)).string();
}

// Why NAME's export is unusable, or nothing when its files are all there.
inline std::optional<std::string> torchvision_missing(const std::string& name) {
  for (const char* ext : {".onnx", ".input.bin", ".output.bin", ".json"}) {
    if (!std::filesystem::exists(torchvision_path(name, ext))) {
      return torchvision_path(name, ext) +
             " missing: the torchvision export fixture did not run. Install python3-torch "
             "python3-torchvision python3-onnx (Debian), then run the tests through ctest "
             "(its fixture export_torchvision writes the files).";
    }
  }
  return std::nullopt;
}

}  // namespace edgecut::testing
