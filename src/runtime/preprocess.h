// Frame -> model input: resize, channel order, scale and normalisation.
//
// Models the torchvision-style preprocessing an ImageNet CNN expects: resize
// the BGR frame to the input's H x W (bilinear), BGR -> RGB, x / 255, then
// (x - mean) / std per channel. The layout comes from the input's shape:
// [1,3,H,W] is NCHW, [1,H,W,3] is NHWC (a [1,3,H,3] shape is read as NCHW).
// A model card (task/model_card.h) sets other conventions: options_from()
// gives BGR order, 4 channels (RGBA / BGRA: the alpha channel holds the
// constant `alpha`; the uint8 frame carries 255 there), other value ranges
// and resize filters; the channel count then comes from the options.
//
// The work is split in two so that an encoding can send the small uint8
// frame and normalise on the cloud: to_uint8() is the edge half (resize +
// channel order, in the model's layout), normalise_uint8() the cloud half.
// preprocess() is exactly normalise_uint8(to_uint8()), bit for bit.
//
// Complexity: O(frame pixels) for the resize, O(H*W) for the rest.
#pragma once

#include <array>
#include <cstdint>
#include <opencv2/core/mat.hpp>

#include "common/status.h"
#include "exec/tensor.h"
#include "graph/graph.h"
#include "task/model_card.h"

namespace edgecut::runtime {

struct PreprocessOptions {
  bool bgr_to_rgb = true;
  float scale = 1.0f / 255.0f;
  // Per channel of the model's input, in its channel order (RGB by default).
  std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};
  std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
  int channels = 3;    // 3, or 4 with an alpha channel last
  float alpha = 1.0f;  // the alpha channel's model value
  task::Resize resize = task::Resize::kBilinear;
};

// The options a model card's preprocessing asks for.
PreprocessOptions options_from(const task::Preprocess& p);

enum class Layout { kNCHW, kNHWC };

// What an image input looks like. Fails (naming the input) unless the shape
// is [1,3,H,W] or [1,H,W,3] with positive H and W.
struct InputGeometry {
  Layout layout = Layout::kNCHW;
  int height = 0;
  int width = 0;
};
Expected<InputGeometry> input_geometry(const graph::Value& input);
// The same with the options' channel count (3 or 4) and the card's layout.
Expected<InputGeometry> input_geometry(const graph::Value& input, const PreprocessOptions& options);

// The float32 model input for a frame, named and shaped like `input`.
// Preconditions: bgr is CV_8UC3 and non-empty; input.dtype is float32; every
// std is non-zero.
Expected<exec::Tensor> preprocess(const cv::Mat& bgr, const graph::Value& input,
                                  const PreprocessOptions& options = {});

// The edge half: the resized frame as uint8 in the input's shape and layout,
// channels in model order (RGB unless options.bgr_to_rgb is false).
Expected<exec::Tensor> to_uint8(const cv::Mat& bgr, const graph::Value& input,
                                const PreprocessOptions& options = {});

// The cloud half: a to_uint8() tensor -> the float32 model input.
Expected<exec::Tensor> normalise_uint8(const exec::Tensor& frame, const graph::Value& input,
                                       const PreprocessOptions& options = {});

}  // namespace edgecut::runtime
