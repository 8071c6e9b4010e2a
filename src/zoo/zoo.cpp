#include "zoo/zoo.h"

#include <charconv>
#include <climits>
#include <fstream>
#include <string_view>

#include "zoo/models.h"

namespace edgecut::zoo {

namespace {

// Parses the decimal suffix of `name` after `prefix` ("resnet1001" -> 1001).
bool parse_suffix(std::string_view name, std::string_view prefix, uint64_t* out) {
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return false;
  std::string_view digits = name.substr(prefix.size());
  if (digits.size() > 1 && digits[0] == '0') return false;  // one spelling per model
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
  return ec == std::errc() && ptr == digits.data() + digits.size();
}

std::string joined_names() {
  std::string s;
  for (const auto& n : model_names()) s += n + ", ";
  for (const auto& n : name_patterns()) s += n + ", ";
  return s.substr(0, s.size() - 2);
}

Status check_options(const Options& o) {
  if (o.batch < 1 || o.batch > 4096) {
    return error(Code::kInvalidArgument, "batch {} out of range [1, 4096]", o.batch);
  }
  if (o.image_size < 8 || o.image_size > 4096) {
    return error(Code::kInvalidArgument, "image size {} out of range [8, 4096]", o.image_size);
  }
  if (o.width_divisor < 1 || o.width_divisor > 64) {
    return error(Code::kInvalidArgument, "width divisor {} out of range [1, 64]", o.width_divisor);
  }
  return Status::ok();
}

}  // namespace

std::vector<std::string> model_names() {
  return {"vgg16",     "alexnet",   "resnet18",    "resnet50",
          "resnet152", "googlenet", "densenet121", "mobilenet_v2"};
}

std::vector<std::string> name_patterns() { return {"resnet<N>", "random<seed>"}; }

std::string describe(const std::string& name) {
  if (name == "vgg16") return "VGG-16: chain of 13 3x3 convs + 3 fc, no BN (138M params at 224)";
  if (name == "alexnet") return "AlexNet: chain of 5 convs + 3 fc (61M params at 224)";
  if (name == "googlenet") {
    return "GoogLeNet / Inception v1: 9 inception blocks of 4 parallel branches + Concat, BN";
  }
  if (name == "densenet121") {
    return "DenseNet-121: 4 dense blocks (6/12/24/16 layers), each layer reads a Concat of all "
           "earlier features";
  }
  if (name == "mobilenet_v2") {
    return "MobileNetV2: 17 inverted residual blocks, depthwise convs, ReLU6 as "
           "HardSigmoid/6";
  }
  if (name == "resnet<N>") {
    return "ResNet of depth N: 18/34 basic, 50/101/152/200 torchvision; other N = 3b+2 "
           "bottleneck or 2b+2 basic blocks spread like [3,4,6,3]";
  }
  if (name == "random<seed>") {
    return "random DAG CNN of 10-60 nodes (conv/relu/maxpool/add/concat, fan-out and joins)";
  }
  uint64_t n = 0;
  if (parse_suffix(name, "resnet", &n) && n <= 5000) {
    auto spec = detail::resnet_spec(static_cast<int>(n));
    if (!spec) return "";
    std::string s = fmt::format("ResNet-{}: {} blocks [", n, spec->bottleneck ? "bottleneck" : "basic");
    for (size_t i = 0; i < spec->blocks.size(); ++i) {
      if (i) s += ',';
      s += std::to_string(spec->blocks[i]);
    }
    return s + "], BN, residual Adds";
  }
  if (parse_suffix(name, "random", &n)) {
    return fmt::format("random DAG CNN with topology seed {}", n);
  }
  return "";
}

Expected<onnx::ModelProto> build(const std::string& name, const Options& options) {
  EDGECUT_RETURN_IF_ERROR(check_options(options));
  Expected<onnx::ModelProto> m = Status(Code::kInternal, "unset");
  uint64_t n = 0;
  if (name == "vgg16") {
    m = detail::build_vgg16(options);
  } else if (name == "alexnet") {
    m = detail::build_alexnet(options);
  } else if (name == "googlenet") {
    m = detail::build_googlenet(options);
  } else if (name == "densenet121") {
    m = detail::build_densenet121(options);
  } else if (name == "mobilenet_v2") {
    m = detail::build_mobilenet_v2(options);
  } else if (parse_suffix(name, "resnet", &n)) {
    if (n > 5000) return error(Code::kInvalidArgument, "resnet depth {} out of range", n);
    m = detail::build_resnet(static_cast<int>(n), options);
  } else if (parse_suffix(name, "random", &n)) {
    m = detail::build_random(n, options);
  } else {
    return error(Code::kInvalidArgument, "unknown model '{}'; valid names: {}", name, joined_names());
  }
  if (!m) {
    return m.status().with_context(fmt::format("building {} at image size {}", name, options.image_size));
  }
  return m;
}

Status write_model(const onnx::ModelProto& model, const std::string& path) {
  const size_t bytes = model.ByteSizeLong();
  if (bytes > static_cast<size_t>(INT_MAX)) {
    return error(Code::kUnsupported,
                 "model is {} bytes, over protobuf's 2 GiB limit (use a smaller width divisor "
                 "or image size)",
                 bytes);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return error(Code::kIo, "cannot open '{}' for writing", path);
  if (!model.SerializeToOstream(&out)) {
    return error(Code::kIo, "failed to serialize the model to '{}'", path);
  }
  out.close();
  if (!out) return error(Code::kIo, "failed to write '{}' (disk full?)", path);
  return Status::ok();
}

}  // namespace edgecut::zoo
