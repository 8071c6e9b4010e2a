// VGG-16 (configuration D, no batch norm) and AlexNet as in torchvision: plain
// chains. The classifier's first layer takes the flattened feature map of
// whatever size the image gives (torchvision's adaptive pool to 7x7 / 6x6 is a
// no-op at 224 and is left out), so small images give small models.
#include <cmath>
#include <string>

#include "zoo/models.h"

namespace edgecut::zoo::detail {

namespace {

// Two hidden 4096-wide layers with ReLU, then the logits. Dropout is an
// identity at inference and is left out like in an eval-mode export.
std::string classifier(GraphBuilder& b, std::string x, const Options& o) {
  x = b.flatten("flatten", x);
  x = b.gemm("classifier.0", x, width(4096, o));
  x = b.relu("classifier.1", x);
  x = b.gemm("classifier.3", x, width(4096, o));
  x = b.relu("classifier.4", x);
  return b.gemm("classifier.6", x, kClasses, static_cast<float>(std::sqrt(0.5)));
}

}  // namespace

Expected<onnx::ModelProto> build_vgg16(const Options& o) {
  GraphBuilder b("vgg16", weight_seed("vgg16", o));
  std::string x = b.input("input", {o.batch, 3, o.image_size, o.image_size});
  // 0 marks a 2x2 max pool.
  const int cfg[] = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};
  int i = 0;
  for (int c : cfg) {
    const std::string idx = std::to_string(i);
    if (c == 0) {
      x = b.max_pool("features." + idx, x, 2, 2);
      i += 1;
    } else {
      x = b.conv("features." + idx, x, width(c, o), 3, 1, 1, 1, /*bias=*/true);
      x = b.relu("features." + std::to_string(i + 1), x);
      i += 2;
    }
  }
  return b.finish(classifier(b, x, o));
}

Expected<onnx::ModelProto> build_alexnet(const Options& o) {
  GraphBuilder b("alexnet", weight_seed("alexnet", o));
  std::string x = b.input("input", {o.batch, 3, o.image_size, o.image_size});
  x = b.conv("features.0", x, width(64, o), 11, 4, 2, 1, true);
  x = b.relu("features.1", x);
  x = b.max_pool("features.2", x, 3, 2);
  x = b.conv("features.3", x, width(192, o), 5, 1, 2, 1, true);
  x = b.relu("features.4", x);
  x = b.max_pool("features.5", x, 3, 2);
  x = b.conv("features.6", x, width(384, o), 3, 1, 1, 1, true);
  x = b.relu("features.7", x);
  x = b.conv("features.8", x, width(256, o), 3, 1, 1, 1, true);
  x = b.relu("features.9", x);
  x = b.conv("features.10", x, width(256, o), 3, 1, 1, 1, true);
  x = b.relu("features.11", x);
  x = b.max_pool("features.12", x, 3, 2);
  return b.finish(classifier(b, x, o));
}

}  // namespace edgecut::zoo::detail
