// GraphBuilder: appends CNN layers to an onnx::ModelProto while tracking every
// value's static shape, so that model code reads like a torchvision forward().
//
// Models a single-graph float32 ONNX model (opset 13, no subgraphs). Each layer
// call adds one node (plus its weight initializers) and returns the name of the
// node's output value; the node and that value share the given name, so names
// must be unique. Weights are pseudo-random (splitmix64 seeded by (seed, tensor
// name)), hence identical on every machine and independent of build order.
//
// Errors (a duplicate name, a spatial size that shrinks below 1, mismatching
// shapes) do not abort the build: the first one is kept and returned by
// finish(), later calls continue on placeholder shapes. Cost: O(total weights).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace edgecut::zoo {

using Shape = std::vector<int64_t>;

class GraphBuilder {
 public:
  GraphBuilder(const std::string& model_name, uint64_t seed);

  // Declares the graph input (float, static shape) and returns its name.
  std::string input(const std::string& name, const Shape& shape);

  // He-initialised convolution, square kernel, symmetric padding. gain scales
  // the weight std (sqrt(2 / fan_in) * gain).
  std::string conv(const std::string& name, const std::string& x, int64_t out_channels, int64_t kernel,
                   int64_t stride = 1, int64_t pad = 0, int64_t group = 1, bool bias = false,
                   float gain = 1.0f);
  // Inference-mode BatchNormalization; gamma is drawn around gamma_scale, the
  // running statistics near (0, 1) so that He-initialised inputs stay O(1).
  std::string batchnorm(const std::string& name, const std::string& x, float gamma_scale = 1.0f,
                        float epsilon = 1e-5f);
  std::string relu(const std::string& name, const std::string& x);
  // max(0, min(1, alpha * x + beta)).
  std::string hard_sigmoid(const std::string& name, const std::string& x, float alpha, float beta);
  // ceil_mode as torch's; callers keep stride <= kernel and (pad = 0 or
  // stride = 1) with it, so that no window starts in the padding (where ONNX
  // shape inference and OpenCV round differently).
  std::string max_pool(const std::string& name, const std::string& x, int64_t kernel, int64_t stride,
                       int64_t pad = 0, bool ceil_mode = false);
  std::string avg_pool(const std::string& name, const std::string& x, int64_t kernel, int64_t stride,
                       int64_t pad = 0);
  std::string global_avg_pool(const std::string& name, const std::string& x);
  std::string flatten(const std::string& name, const std::string& x);
  // Fully connected layer on a [N, K] input (Gemm with transB = 1, as torch exports Linear).
  std::string gemm(const std::string& name, const std::string& x, int64_t out_features, float gain = 1.0f);
  std::string add(const std::string& name, const std::string& a, const std::string& b);
  std::string concat(const std::string& name, const std::vector<std::string>& xs);

  const Shape& shape(const std::string& value) const;
  int64_t node_count() const { return model_.graph().node_size(); }

  // Renames the producer's output of `value` to "output", declares it as the
  // graph output and returns the model, or the first recorded error.
  Expected<onnx::ModelProto> finish(const std::string& value);

 private:
  onnx::NodeProto* add_node(const std::string& op, const std::string& name,
                            const std::vector<std::string>& inputs, const Shape& out_shape);
  // Adds a float initializer named `name`; values uniform with the given std
  // and mean (uniform keeps the bytes portable, unlike std::normal_distribution).
  void add_random_initializer(const std::string& name, const Shape& dims, double mean, double stddev);
  void add_uniform_initializer(const std::string& name, const Shape& dims, double lo, double hi);
  bool claim_name(const std::string& name);
  void fail(Status status);
  std::string pool(const char* op, const std::string& name, const std::string& x, int64_t kernel,
                   int64_t stride, int64_t pad, bool ceil_mode);

  onnx::ModelProto model_;
  uint64_t seed_;
  std::unordered_map<std::string, Shape> shapes_;
  std::unordered_map<std::string, bool> names_;
  Status status_;
};

// Deterministic 64-bit hash of a string (FNV-1a then splitmix64 finaliser).
uint64_t hash_name(const std::string& s, uint64_t seed);

// splitmix64: tiny, fast, identical output on every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t state_;
};

}  // namespace edgecut::zoo
