// Test helper, header-only: the pretrained npm models (scripts/models.sh
// fetches them into third_party/models/; the ctest fixture fetch_models runs
// it first). A test that needs one skips, naming the script, when it is absent:
//
//   auto path = edgecut::testing::real_model("mlsd-tiny-320");
//   if (!path) GTEST_SKIP() << path.status().message();
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/status.h"
#include "task/npm_models.h"
#include "test_paths.h"

namespace edgecut::testing {

// Points task::models_dir() at this checkout's third_party/models (test
// binaries live under the build tree, which may be anywhere).
inline void use_checkout_models() {
  const std::string dir = std::string(source_dir()) + "/third_party/models";
  ::setenv("EDGECUT_MODELS_DIR", dir.c_str(), 0);
}

inline Expected<std::string> real_model(const std::string& name) {
  use_checkout_models();
  auto p = task::npm_model_path(name);
  if (!p)
    return Status(p.status().code(),
                  p.status().message() + " (ctest runs it as fetch_models; offline: skipped)");
  return p;
}

inline constexpr const char* kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
inline constexpr const char* kMegamind = "/usr/share/doc/opencv-doc/examples/data/Megamind.avi";

inline bool have_file(const char* p) { return std::filesystem::exists(p); }

}  // namespace edgecut::testing
