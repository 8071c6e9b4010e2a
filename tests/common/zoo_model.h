// Test helper, header-only: a built-in model, small and fast (32x32 images,
// channels divided by 8 unless asked otherwise), imported as the CLI would.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "graph/onnx_import.h"
#include "zoo/zoo.h"

namespace edgecut::testing {

inline graph::Model zoo_model(const std::string& name, int image_size = 32, int width_divisor = 8) {
  zoo::Options o;
  o.image_size = image_size;
  o.width_divisor = width_divisor;
  auto proto = zoo::build(name, o);
  EXPECT_TRUE(proto) << proto.status().message();
  auto m = graph::import_model(std::move(*proto), "zoo:" + name);
  EXPECT_TRUE(m) << m.status().message();
  return std::move(*m);
}

}  // namespace edgecut::testing
