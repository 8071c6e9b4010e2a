// ResNet v1.5 as in torchvision (stride on the 3x3 conv of a bottleneck),
// with BatchNormalization nodes kept separate (not folded into the convs).
//
// Scaling: convs are He-initialised and BN statistics sit near (0, 1), so a
// conv-BN branch over a ReLU output x (second moment m) ends with variance
// ~2m * gamma^2 and an identity block grows m by (1 + 2 gamma^2). The last BN
// of each residual branch gets gamma ~ 1/(2 sqrt(n)) for a stage of n blocks:
// growth <= e^(1/2) per stage, so even resnet1001's logits stay O(1) (with
// gamma ~ 1 they grow ~7x per stage: std ~25 for resnet50, ~70 for resnet1001).
#include <cmath>
#include <string>

#include "zoo/models.h"

namespace edgecut::zoo::detail {

Expected<ResNetSpec> resnet_spec(int depth) {
  switch (depth) {
    case 18:
      return ResNetSpec{false, {2, 2, 2, 2}};
    case 34:
      return ResNetSpec{false, {3, 4, 6, 3}};
    case 50:
      return ResNetSpec{true, {3, 4, 6, 3}};
    case 101:
      return ResNetSpec{true, {3, 4, 23, 3}};
    case 152:
      return ResNetSpec{true, {3, 8, 36, 3}};
    case 200:
      return ResNetSpec{true, {3, 24, 36, 3}};
    default:
      break;
  }
  if (depth < 10 || depth > 5000) {
    return error(Code::kInvalidArgument, "resnet depth {} out of range [10, 5000]", depth);
  }
  ResNetSpec spec;
  int blocks = 0;
  if ((depth - 2) % 3 == 0 && depth >= 14) {
    spec.bottleneck = true;
    blocks = (depth - 2) / 3;
  } else if ((depth - 2) % 2 == 0) {
    spec.bottleneck = false;
    blocks = (depth - 2) / 2;
  } else {
    return error(Code::kInvalidArgument,
                 "resnet depth {} is neither 3b+2 (bottleneck) nor 2b+2 (basic blocks)", depth);
  }
  const int pattern[4] = {3, 4, 6, 3};
  int used = 0;
  for (int p : pattern) {
    int n = blocks * p / 16;
    if (n < 1) n = 1;
    spec.blocks.push_back(n);
    used += n;
  }
  spec.blocks[2] += blocks - used;
  return spec;
}

namespace {

struct Stage {
  GraphBuilder& b;
  float last_gamma;
};

std::string conv_bn(Stage& s, const std::string& prefix, const std::string& conv_name,
                    const std::string& bn_name, const std::string& x, int64_t out, int64_t k, int64_t stride,
                    int64_t pad, float gamma = 1.0f) {
  std::string y = s.b.conv(prefix + conv_name, x, out, k, stride, pad);
  return s.b.batchnorm(prefix + bn_name, y, gamma);
}

std::string shortcut(Stage& s, const std::string& p, const std::string& x, int64_t out, int64_t stride) {
  if (stride == 1 && s.b.shape(x)[1] == out) return x;
  return conv_bn(s, p, "downsample.0", "downsample.1", x, out, 1, stride, 0);
}

std::string basic_block(Stage& s, const std::string& p, const std::string& x, int64_t planes,
                        int64_t stride) {
  std::string y = conv_bn(s, p, "conv1", "bn1", x, planes, 3, stride, 1);
  y = s.b.relu(p + "relu1", y);
  y = conv_bn(s, p, "conv2", "bn2", y, planes, 3, 1, 1, s.last_gamma);
  const std::string id = shortcut(s, p, x, planes, stride);
  return s.b.relu(p + "relu2", s.b.add(p + "add", y, id));
}

std::string bottleneck(Stage& s, const std::string& p, const std::string& x, int64_t planes, int64_t stride) {
  const int64_t out = planes * 4;
  std::string y = conv_bn(s, p, "conv1", "bn1", x, planes, 1, 1, 0);
  y = s.b.relu(p + "relu1", y);
  y = conv_bn(s, p, "conv2", "bn2", y, planes, 3, stride, 1);
  y = s.b.relu(p + "relu2", y);
  y = conv_bn(s, p, "conv3", "bn3", y, out, 1, 1, 0, s.last_gamma);
  const std::string id = shortcut(s, p, x, out, stride);
  return s.b.relu(p + "relu3", s.b.add(p + "add", y, id));
}

}  // namespace

Expected<onnx::ModelProto> build_resnet(int depth, const Options& o) {
  EDGECUT_ASSIGN_OR_RETURN(ResNetSpec spec, resnet_spec(depth));
  const std::string name = "resnet" + std::to_string(depth);
  GraphBuilder b(name, weight_seed(name, o));
  std::string x = b.input("input", {o.batch, 3, o.image_size, o.image_size});
  x = b.conv("conv1", x, width(64, o), 7, 2, 3);
  x = b.batchnorm("bn1", x);
  x = b.relu("relu", x);
  x = b.max_pool("maxpool", x, 3, 2, 1);
  const int64_t planes[4] = {64, 128, 256, 512};
  for (int st = 0; st < 4; ++st) {
    Stage s{b, static_cast<float>(0.5 / std::sqrt(static_cast<double>(spec.blocks[st])))};
    for (int i = 0; i < spec.blocks[st]; ++i) {
      const std::string p = "layer" + std::to_string(st + 1) + "." + std::to_string(i) + ".";
      const int64_t stride = (st > 0 && i == 0) ? 2 : 1;
      x = spec.bottleneck ? bottleneck(s, p, x, width(planes[st], o), stride)
                          : basic_block(s, p, x, width(planes[st], o), stride);
    }
  }
  x = b.global_avg_pool("avgpool", x);
  x = b.flatten("flatten", x);
  return b.finish(b.gemm("fc", x, kClasses, static_cast<float>(std::sqrt(0.5))));
}

}  // namespace edgecut::zoo::detail
