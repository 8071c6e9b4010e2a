// DenseNet-121 as in torchvision (growth 32, bn_size 4, blocks 6/12/24/16):
// every dense layer reads one Concat of the block input and all earlier layer
// outputs (BN-ReLU-conv1x1-BN-ReLU-conv3x3), the block output is the Concat of
// all of them, and transitions halve channels (1x1 conv) and size (2x2 avg pool).
// Each layer's new features come from a He-initialised conv over a ReLU, so
// every slice of the growing Concat has a second moment near 1.
#include <cmath>
#include <string>
#include <vector>

#include "zoo/models.h"

namespace edgecut::zoo::detail {

Expected<onnx::ModelProto> build_densenet121(const Options& o) {
  GraphBuilder b("densenet121", weight_seed("densenet121", o));
  const int64_t growth = width(32, o);
  const int64_t bottleneck = 4 * growth;
  const int block_layers[4] = {6, 12, 24, 16};

  std::string x = b.input("input", {o.batch, 3, o.image_size, o.image_size});
  x = b.conv("features.conv0", x, width(64, o), 7, 2, 3);
  x = b.batchnorm("features.norm0", x);
  x = b.relu("features.relu0", x);
  x = b.max_pool("features.pool0", x, 3, 2, 1);
  for (int blk = 0; blk < 4; ++blk) {
    const std::string bp = "features.denseblock" + std::to_string(blk + 1);
    std::vector<std::string> features = {x};
    for (int l = 0; l < block_layers[blk]; ++l) {
      const std::string p = bp + ".denselayer" + std::to_string(l + 1);
      std::string y = features.size() == 1 ? features[0] : b.concat(p + ".concat", features);
      y = b.batchnorm(p + ".norm1", y);
      y = b.relu(p + ".relu1", y);
      y = b.conv(p + ".conv1", y, bottleneck, 1);
      y = b.batchnorm(p + ".norm2", y);
      y = b.relu(p + ".relu2", y);
      features.push_back(b.conv(p + ".conv2", y, growth, 3, 1, 1));
    }
    x = b.concat(bp + ".concat", features);
    if (blk < 3) {
      const std::string tp = "features.transition" + std::to_string(blk + 1);
      x = b.batchnorm(tp + ".norm", x);
      x = b.relu(tp + ".relu", x);
      x = b.conv(tp + ".conv", x, b.shape(x)[1] / 2, 1);
      x = b.avg_pool(tp + ".pool", x, 2, 2);
    }
  }
  x = b.batchnorm("features.norm5", x);
  x = b.relu("features.relu5", x);
  x = b.global_avg_pool("avgpool", x);
  x = b.flatten("flatten", x);
  return b.finish(b.gemm("classifier", x, kClasses, static_cast<float>(std::sqrt(0.5))));
}

}  // namespace edgecut::zoo::detail
