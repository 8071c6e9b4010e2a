// MobileNetV2 as in torchvision (width 1.0): stem conv 3x3/2, 17 inverted
// residual blocks (1x1 expand, 3x3 depthwise conv with group = channels, 1x1
// linear projection; residual Add when stride 1 and widths match), 1x1 conv
// to 1280, global pool, fc.
//
// ReLU6: opset 13 Clip takes its bounds as inputs, which OpenCV 4.6 rejects
// (its importer wants one input), and Clip bounds as attributes fail the
// opset-13 checker; Min/Max with a constant fail in OpenCV 4.6 too. We use one
// HardSigmoid(alpha = 1/6, beta = 0) = ReLU6(x) / 6 per activation and scale
// the weights of the conv that reads it by 6: exactly the ReLU6 network, one
// node per activation like torchvision's Clip, valid ONNX, runs in OpenCV 4.6.
#include <cmath>
#include <string>

#include "zoo/models.h"

namespace edgecut::zoo::detail {

namespace {

// conv reading a ReLU6/6 value: weights x6 (gain), so the output equals ReLU6 input.
constexpr float kAfterRelu6 = 6.0f;

std::string relu6_div6(GraphBuilder& b, const std::string& name, const std::string& x) {
  return b.hard_sigmoid(name, x, 1.0f / 6.0f, 0.0f);
}

}  // namespace

Expected<onnx::ModelProto> build_mobilenet_v2(const Options& o) {
  GraphBuilder b("mobilenet_v2", weight_seed("mobilenet_v2", o));
  struct Setting {
    int t, c, n, s;
  };
  const Setting settings[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                              {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::string x = b.input("input", {o.batch, 3, o.image_size, o.image_size});
  x = b.conv("features.0.0", x, width(32, o), 3, 2, 1);
  x = b.batchnorm("features.0.1", x);
  x = relu6_div6(b, "features.0.2", x);
  int idx = 1;
  int nominal_in = 32;  // published widths decide the topology, whatever width_divisor
  for (const Setting& st : settings) {
    const int64_t out = width(st.c, o);
    for (int i = 0; i < st.n; ++i, ++idx) {
      const std::string p = "features." + std::to_string(idx) + ".conv.";
      const int64_t stride = i == 0 ? st.s : 1;
      const int64_t in = b.shape(x)[1];
      const int64_t hidden = in * st.t;
      // x is a ReLU6/6 value except at a residual block's input, which is linear.
      const bool x_is_relu6 = idx == 1;
      const float in_gain = x_is_relu6 ? kAfterRelu6 : 1.0f;
      std::string y = x;
      int k = 0;
      float dw_gain = in_gain;
      if (st.t != 1) {
        y = b.conv(p + std::to_string(k) + ".0", y, hidden, 1, 1, 0, 1, false, in_gain);
        y = b.batchnorm(p + std::to_string(k) + ".1", y);
        y = relu6_div6(b, p + std::to_string(k) + ".2", y);
        dw_gain = kAfterRelu6;
        ++k;
      }
      y = b.conv(p + std::to_string(k) + ".0", y, hidden, 3, stride, 1, hidden, false, dw_gain);
      y = b.batchnorm(p + std::to_string(k) + ".1", y);
      y = relu6_div6(b, p + std::to_string(k) + ".2", y);
      ++k;
      y = b.conv(p + std::to_string(k), y, out, 1, 1, 0, 1, false, kAfterRelu6);
      const bool residual = stride == 1 && nominal_in == st.c;
      nominal_in = st.c;
      // Damped last BN on residual branches keeps the sum of 2-3 blocks O(1).
      y = b.batchnorm(p + std::to_string(k + 1), y, residual ? 0.5f : 1.0f);
      x = residual ? b.add("features." + std::to_string(idx) + ".add", x, y) : y;
    }
  }
  x = b.conv("features.18.0", x, width(1280, o), 1);
  x = b.batchnorm("features.18.1", x);
  x = relu6_div6(b, "features.18.2", x);
  x = b.global_avg_pool("avgpool", x);
  x = b.flatten("flatten", x);
  return b.finish(b.gemm("classifier.1", x, kClasses, static_cast<float>(kAfterRelu6 * std::sqrt(0.5))));
}

}  // namespace edgecut::zoo::detail
