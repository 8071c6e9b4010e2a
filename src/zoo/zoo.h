// Built-in model builders: standard DNN shapes as ONNX models with
// deterministic random weights, so that every test and the default job run
// without fetching anything.
//
// Every model is valid for onnx::checker (opset 13, IR 7), has fully static
// shapes (value_info for every intermediate), one input "input" (N x 3 x H x W
// float), one output "output" (N x 1000 logits), unique node names (node i's
// output value has the node's name), and runs on OpenCV DNN 4.6 (no Identity,
// no Clip: ReLU6 is HardSigmoid, weights as initializers). Weights are scaled
// (He init, BN statistics near (0, 1), damped residual branches) so that the
// logits of a unit-variance input have a std of O(1) even for resnet1001.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut::zoo {

struct Options {
  int batch = 1;
  int image_size = 224;  // H = W
  uint64_t seed = 1;     // weights are a pure function of (name, options)
  // Divides every hidden channel count (convs, dense layers; not the 3 input
  // channels nor the 1000 classes) to make small, fast models with the same
  // topology and node count. 1 = the published widths.
  int width_divisor = 1;
};

// Names accepted by build(): "vgg16", "alexnet", "resnet18", "resnet50",
// "resnet152", "resnetN", "googlenet", "densenet121", "mobilenet_v2",
// "random<seed>" (random DAG CNN, 10-60 nodes, topology a function of <seed>).
//
// resnetN depth rule (N counts conv + fc layers, as in the paper):
//   - torchvision depths: 18, 34 (basic blocks), 50, 101, 152, 200 (bottleneck);
//   - otherwise N = 3b + 2 (b >= 4): b bottleneck blocks (10 nodes each);
//   - otherwise even N = 2b + 2 (b >= 4): b basic blocks (7 nodes each);
//   the b blocks go to the 4 stages in proportion to resnet's [3, 4, 6, 3]
//   (floor each share, at least 1, remainder to stage 3). N <= 5000.
//   e.g. resnet1001 = 333 bottlenecks [62, 83, 126, 62] = 3345 nodes.
//
// model_names() lists the concrete buildable names; name_patterns() the
// parameterised families ("resnet<N>", "random<seed>").
std::vector<std::string> model_names();
std::vector<std::string> name_patterns();
// One line: architecture, block structure; "" for an unknown name.
std::string describe(const std::string& name);

Expected<onnx::ModelProto> build(const std::string& name, const Options& options = {});

// Serializes to a file; clear error on I/O failure.
Status write_model(const onnx::ModelProto& model, const std::string& path);

}  // namespace edgecut::zoo
