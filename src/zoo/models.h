// Internal: one builder per model family (one .cpp each), called by zoo.cpp
// after it has validated the options. Each returns the finished model or the
// first shape error (e.g. an image too small for the network's strides).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zoo/onnx_builder.h"
#include "zoo/zoo.h"

namespace edgecut::zoo::detail {

// Hidden channel count after options.width_divisor (never below 1).
inline int64_t width(int64_t channels, const Options& o) {
  const int64_t w = channels / o.width_divisor;
  return w < 1 ? 1 : w;
}

// Weight seed for a model: a function of its name and options.seed only.
inline uint64_t weight_seed(const std::string& name, const Options& o) { return hash_name(name, o.seed); }

inline constexpr int64_t kClasses = 1000;

Expected<onnx::ModelProto> build_vgg16(const Options& o);
Expected<onnx::ModelProto> build_alexnet(const Options& o);

struct ResNetSpec {
  bool bottleneck = true;
  std::vector<int> blocks;  // per stage, 4 stages
};
// Block layout for "resnet<depth>" (rule in zoo.h), or an error.
Expected<ResNetSpec> resnet_spec(int depth);
Expected<onnx::ModelProto> build_resnet(int depth, const Options& o);

Expected<onnx::ModelProto> build_googlenet(const Options& o);
Expected<onnx::ModelProto> build_densenet121(const Options& o);
Expected<onnx::ModelProto> build_mobilenet_v2(const Options& o);
Expected<onnx::ModelProto> build_random(uint64_t topology_seed, const Options& o);

}  // namespace edgecut::zoo::detail
