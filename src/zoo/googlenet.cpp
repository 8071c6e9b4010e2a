// GoogLeNet (Inception v1) as in torchvision: BasicConv2d = conv + BN(eps
// 1e-3) + ReLU; each inception block has 4 parallel branches joined by a
// Concat (torchvision's "5x5" branch is really a 3x3 conv, kept here).
//
// Pools use ceil_mode like torchvision (112 -> 56 -> 28 -> 14 -> 7 at 224;
// OpenCV 4.6 honours ceil_mode). Aux classifiers exist only in training mode.
#include <cmath>
#include <string>

#include "zoo/models.h"

namespace edgecut::zoo::detail {

namespace {

std::string basic_conv(GraphBuilder& b, const std::string& p, const std::string& x, int64_t out, int64_t k,
                       int64_t stride = 1, int64_t pad = 0) {
  std::string y = b.conv(p + ".conv", x, out, k, stride, pad);
  y = b.batchnorm(p + ".bn", y, 1.0f, 1e-3f);
  return b.relu(p + ".relu", y);
}

std::string inception(GraphBuilder& b, const Options& o, const std::string& p, const std::string& x,
                      int64_t ch1, int64_t ch3red, int64_t ch3, int64_t ch5red, int64_t ch5,
                      int64_t pool_proj) {
  std::string b1 = basic_conv(b, p + ".branch1", x, width(ch1, o), 1);
  std::string b2 = basic_conv(b, p + ".branch2.0", x, width(ch3red, o), 1);
  b2 = basic_conv(b, p + ".branch2.1", b2, width(ch3, o), 3, 1, 1);
  std::string b3 = basic_conv(b, p + ".branch3.0", x, width(ch5red, o), 1);
  b3 = basic_conv(b, p + ".branch3.1", b3, width(ch5, o), 3, 1, 1);
  std::string b4 = b.max_pool(p + ".branch4.0", x, 3, 1, 1, true);
  b4 = basic_conv(b, p + ".branch4.1", b4, width(pool_proj, o), 1);
  return b.concat(p + ".concat", {b1, b2, b3, b4});
}

}  // namespace

Expected<onnx::ModelProto> build_googlenet(const Options& o) {
  GraphBuilder b("googlenet", weight_seed("googlenet", o));
  std::string x = b.input("input", {o.batch, 3, o.image_size, o.image_size});
  x = basic_conv(b, "conv1", x, width(64, o), 7, 2, 3);
  x = b.max_pool("maxpool1", x, 3, 2, 0, true);
  x = basic_conv(b, "conv2", x, width(64, o), 1);
  x = basic_conv(b, "conv3", x, width(192, o), 3, 1, 1);
  x = b.max_pool("maxpool2", x, 3, 2, 0, true);
  x = inception(b, o, "inception3a", x, 64, 96, 128, 16, 32, 32);
  x = inception(b, o, "inception3b", x, 128, 128, 192, 32, 96, 64);
  x = b.max_pool("maxpool3", x, 3, 2, 0, true);
  x = inception(b, o, "inception4a", x, 192, 96, 208, 16, 48, 64);
  x = inception(b, o, "inception4b", x, 160, 112, 224, 24, 64, 64);
  x = inception(b, o, "inception4c", x, 128, 128, 256, 24, 64, 64);
  x = inception(b, o, "inception4d", x, 112, 144, 288, 32, 64, 64);
  x = inception(b, o, "inception4e", x, 256, 160, 320, 32, 128, 128);
  x = b.max_pool("maxpool4", x, 2, 2, 0, true);
  x = inception(b, o, "inception5a", x, 256, 160, 320, 32, 128, 128);
  x = inception(b, o, "inception5b", x, 384, 192, 384, 48, 128, 128);
  x = b.global_avg_pool("avgpool", x);
  x = b.flatten("flatten", x);
  return b.finish(b.gemm("fc", x, kClasses, static_cast<float>(std::sqrt(0.5))));
}

}  // namespace edgecut::zoo::detail
