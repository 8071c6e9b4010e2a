// Built-in models: valid ONNX (checker + strict shape inference), loadable and
// runnable in OpenCV DNN 4.6 with finite, well-scaled logits, deterministic,
// and with the documented structure (depth rule, random DAG properties).
#include "zoo/zoo.h"

#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <opencv2/dnn.hpp>
#include <ostream>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace edgecut::zoo {
namespace {

onnx::ModelProto must_build(const std::string& name, const Options& o) {
  Expected<onnx::ModelProto> m = build(name, o);
  EXPECT_TRUE(m.has_value()) << name << ": " << m.status().to_string();
  return m ? std::move(m).value() : onnx::ModelProto();
}

int64_t count_op(const onnx::ModelProto& m, const std::string& op) {
  int64_t n = 0;
  for (const auto& node : m.graph().node()) n += node.op_type() == op;
  return n;
}

// Checker, strict shape inference (throws on any node error or on a mismatch
// with our value_info), names, and the [batch, 1000] output.
void expect_valid(const onnx::ModelProto& model, int batch) {
  ASSERT_NO_THROW(onnx::checker::check_model(model));
  onnx::ModelProto inferred = model;
  ASSERT_NO_THROW(onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                                     onnx::ShapeInferenceOptions(true, 1, false)));
  const auto& g = model.graph();
  ASSERT_EQ(g.input_size(), 1);
  EXPECT_EQ(g.input(0).name(), "input");
  ASSERT_EQ(g.output_size(), 1);
  EXPECT_EQ(g.output(0).name(), "output");
  const auto& out_shape = inferred.graph().output(0).type().tensor_type().shape();
  ASSERT_EQ(out_shape.dim_size(), 2);
  EXPECT_EQ(out_shape.dim(0).dim_value(), batch);
  EXPECT_EQ(out_shape.dim(1).dim_value(), 1000);

  std::unordered_set<std::string> node_names, values = {"input"};
  for (const auto& t : g.initializer()) values.insert(t.name());
  for (const auto& n : g.node()) {
    EXPECT_FALSE(n.name().empty());
    EXPECT_TRUE(node_names.insert(n.name()).second) << "duplicate node " << n.name();
    for (const auto& in : n.input()) EXPECT_TRUE(values.count(in)) << n.name() << " reads " << in;
    for (const auto& out : n.output()) {
      EXPECT_FALSE(out.empty());
      EXPECT_TRUE(values.insert(out).second) << "value produced twice: " << out;
    }
  }
  // Every intermediate value has a static shape after inference.
  std::unordered_map<std::string, const onnx::ValueInfoProto*> vi;
  for (const auto& v : inferred.graph().value_info()) vi[v.name()] = &v;
  for (const auto& n : g.node()) {
    for (const auto& out : n.output()) {
      if (out == "output") continue;
      ASSERT_TRUE(vi.count(out)) << "no shape for " << out;
      for (const auto& d : vi[out]->type().tensor_type().shape().dim()) {
        EXPECT_GT(d.dim_value(), 0) << out;
      }
    }
  }
}

struct RunStats {
  bool finite = true;
  double mean = 0, stddev = 0;
  std::vector<int> shape;
};

// Loads the serialized model into OpenCV DNN, feeds a fixed pseudo-random
// image (values ~ U(-1.7, 1.7), i.e. unit variance like a normalised photo).
RunStats run_opencv(const onnx::ModelProto& model, int image_size) {
  std::string bytes;
  EXPECT_TRUE(model.SerializeToString(&bytes));
  cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  const int sz[] = {1, 3, image_size, image_size};
  cv::Mat in(4, sz, CV_32F);
  cv::RNG rng(12345);
  rng.fill(in, cv::RNG::UNIFORM, -1.7320508, 1.7320508);
  net.setInput(in, "input");
  cv::Mat out = net.forward();
  RunStats s;
  for (int i = 0; i < out.dims; ++i) s.shape.push_back(out.size[i]);
  const float* p = out.ptr<float>();
  const size_t n = out.total();
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(p[i])) s.finite = false;
    sum += p[i];
    sum2 += static_cast<double>(p[i]) * p[i];
  }
  s.mean = sum / static_cast<double>(n);
  s.stddev = std::sqrt(std::max(0.0, sum2 / static_cast<double>(n) - s.mean * s.mean));
  return s;
}

void expect_runs_sanely(const onnx::ModelProto& model, int image_size, const std::string& what) {
  RunStats s;
  ASSERT_NO_THROW(s = run_opencv(model, image_size)) << what;
  EXPECT_EQ(s.shape, (std::vector<int>{1, 1000})) << what;
  EXPECT_TRUE(s.finite) << what;
  // Logits neither vanish nor explode (He init + BN stats near (0, 1)).
  EXPECT_GT(s.stddev, 0.1) << what;
  EXPECT_LT(s.stddev, 20.0) << what;
  EXPECT_LT(std::abs(s.mean), 10.0) << what;
}

struct Case {
  std::string name;
  int image_size;
  int width_divisor;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name << "@" << c.image_size << "/" << c.width_divisor;
}

class ZooModel : public ::testing::TestWithParam<Case> {};

TEST_P(ZooModel, ValidAndRunsInOpenCV) {
  const Case& c = GetParam();
  Options o;
  o.image_size = c.image_size;
  o.width_divisor = c.width_divisor;
  onnx::ModelProto m = must_build(c.name, o);
  expect_valid(m, 1);
  expect_runs_sanely(m, c.image_size, c.name);
}

// Image sizes: the smallest sane per model (strides 32, AlexNet's 11x11/4 stem).
INSTANTIATE_TEST_SUITE_P(All, ZooModel,
                         ::testing::Values(Case{"vgg16", 32, 2}, Case{"alexnet", 64, 2},
                                           Case{"resnet18", 64, 1}, Case{"resnet50", 64, 1},
                                           Case{"resnet152", 32, 4}, Case{"googlenet", 64, 1},
                                           Case{"densenet121", 64, 1}, Case{"mobilenet_v2", 64, 1},
                                           Case{"resnet34", 32, 2}, Case{"resnet26", 32, 4},
                                           Case{"resnet10", 32, 4}),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(Zoo, EveryListedNameBuildsAndIsDescribed) {
  for (const auto& n : model_names()) {
    EXPECT_FALSE(describe(n).empty()) << n;
    Options o;
    o.image_size = 64;
    o.width_divisor = 8;
    Expected<onnx::ModelProto> m = build(n, o);
    EXPECT_TRUE(m.has_value()) << n << ": " << m.status().to_string();
  }
  for (const auto& n : name_patterns()) EXPECT_FALSE(describe(n).empty()) << n;
}

TEST(Zoo, NodeCountsAtFullSize) {
  // Structure does not depend on image size; 224 is the published one.
  const std::vector<std::pair<std::string, int>> expected = {
      {"alexnet", 19},    {"resnet18", 69},     {"resnet50", 175},     {"resnet152", 515},
      {"googlenet", 196}, {"densenet121", 427}, {"mobilenet_v2", 152}, {"vgg16", 37}};
  for (const auto& [name, nodes] : expected) {
    Options o;
    o.width_divisor = 64;  // same graph, tiny weights
    onnx::ModelProto m = must_build(name, o);
    EXPECT_EQ(m.graph().node_size(), nodes) << name;
  }
}

TEST(Zoo, StructureMatchesTorchvision) {
  Options o;
  o.width_divisor = 8;  // keeps every depthwise conv's group > 1
  onnx::ModelProto g = must_build("googlenet", o);
  EXPECT_EQ(count_op(g, "Concat"), 9);  // one per inception block
  EXPECT_EQ(count_op(g, "Conv"), 57);
  onnx::ModelProto d = must_build("densenet121", o);
  EXPECT_EQ(count_op(d, "Conv"), 120);
  EXPECT_EQ(count_op(d, "Concat"), 54 + 4);  // per layer but the first, per block
  onnx::ModelProto mb = must_build("mobilenet_v2", o);
  EXPECT_EQ(count_op(mb, "Conv"), 52);
  EXPECT_EQ(count_op(mb, "Add"), 10);
  EXPECT_EQ(count_op(mb, "Clip"), 0);
  int depthwise = 0;
  for (const auto& n : mb.graph().node()) {
    for (const auto& a : n.attribute()) depthwise += a.name() == "group" && a.i() > 1;
  }
  EXPECT_EQ(depthwise, 17);  // one per inverted residual block
  onnx::ModelProto r = must_build("resnet50", o);
  EXPECT_EQ(count_op(r, "Conv"), 53);
  EXPECT_EQ(count_op(r, "BatchNormalization"), 53);
  EXPECT_EQ(count_op(r, "Add"), 16);
  // Output spatial sizes at 224 follow torchvision (7x7 before the pool).
  Options full;
  full.width_divisor = 64;
  onnx::ModelProto g224 = must_build("googlenet", full);
  onnx::shape_inference::InferShapes(g224);
  for (const auto& v : g224.graph().value_info()) {
    if (v.name() == "inception5b.concat") {
      EXPECT_EQ(v.type().tensor_type().shape().dim(2).dim_value(), 7);
    }
  }
}

TEST(Zoo, DeterministicBytes) {
  for (const std::string name : {"resnet18", "mobilenet_v2", "random7", "googlenet"}) {
    Options o;
    o.image_size = 64;
    o.width_divisor = 4;
    std::string a, b;
    ASSERT_TRUE(must_build(name, o).SerializeToString(&a));
    ASSERT_TRUE(must_build(name, o).SerializeToString(&b));
    EXPECT_EQ(a, b) << name;
    o.seed = 2;
    std::string c;
    ASSERT_TRUE(must_build(name, o).SerializeToString(&c));
    EXPECT_NE(a, c) << name << ": the seed must change the weights";
  }
}

TEST(Zoo, GoldenWeightBytes) {
  // Same bytes on every machine: pin a few weights of a tiny model.
  Options o;
  o.image_size = 32;
  o.width_divisor = 64;
  onnx::ModelProto m = must_build("resnet18", o);
  const auto& t = m.graph().initializer(0);
  EXPECT_EQ(t.name(), "conv1.weight");
  ASSERT_GE(t.raw_data().size(), 8u);
  float w[2];
  std::memcpy(w, t.raw_data().data(), sizeof(w));
  // Uniform with std sqrt(2 / (3 * 7 * 7)): bound 0.2474.
  EXPECT_LT(std::abs(w[0]), 0.2475f);
  EXPECT_LT(std::abs(w[1]), 0.2475f);
  EXPECT_NE(w[0], w[1]);
}

TEST(Zoo, ResNetDepthRule) {
  Options o;
  o.image_size = 32;
  o.width_divisor = 64;
  auto nodes = [&](int depth) { return must_build("resnet" + std::to_string(depth), o).graph().node_size(); };
  // Bottleneck: 10 nodes per block, 2 per projection shortcut (4), stem 4, head 3.
  EXPECT_EQ(nodes(50), 16 * 10 + 8 + 7);
  EXPECT_EQ(nodes(101), 33 * 10 + 8 + 7);
  EXPECT_EQ(nodes(152), 50 * 10 + 8 + 7);
  EXPECT_EQ(nodes(1001), 333 * 10 + 8 + 7);
  EXPECT_EQ(nodes(602), 200 * 10 + 8 + 7);
  // Basic: 7 nodes per block, 3 projection shortcuts.
  EXPECT_EQ(nodes(18), 8 * 7 + 6 + 7);
  EXPECT_EQ(nodes(34), 16 * 7 + 6 + 7);
  // Monotone in depth.
  int prev = 0;
  for (int d : {14, 20, 26, 50, 62, 101, 152, 200, 302}) {
    const int n = nodes(d);
    EXPECT_GT(n, prev) << d;
    prev = n;
  }
  EXPECT_GE(nodes(1001), 2000);
  for (const char* bad : {"resnet3", "resnet15", "resnet999999", "resnet", "resnet050", "resnetx", "vgg",
                          "random", "random-1"}) {
    Expected<onnx::ModelProto> m = build(bad, o);
    EXPECT_FALSE(m.has_value()) << bad;
    if (!m) {
      EXPECT_EQ(m.status().code(), Code::kInvalidArgument) << bad;
    }
  }
  Expected<onnx::ModelProto> bad = build("nosuchnet", o);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.status().message().find("resnet50"), std::string::npos);  // lists valid names
}

TEST(Zoo, DeepResNetIsValidAndRuns) {
  Options o;
  o.image_size = 32;
  o.width_divisor = 16;
  onnx::ModelProto m = must_build("resnet1001", o);
  EXPECT_GE(m.graph().node_size(), 2000);
  expect_valid(m, 1);
  expect_runs_sanely(m, 32, "resnet1001");
}

TEST(Zoo, BatchAndImageSize) {
  Options o;
  o.batch = 3;
  o.image_size = 96;
  o.width_divisor = 8;
  onnx::ModelProto m = must_build("resnet50", o);
  expect_valid(m, 3);
  const auto& dims = m.graph().input(0).type().tensor_type().shape().dim();
  ASSERT_EQ(dims.size(), 4);
  EXPECT_EQ(dims[0].dim_value(), 3);
  EXPECT_EQ(dims[2].dim_value(), 96);
  EXPECT_EQ(dims[3].dim_value(), 96);
}

TEST(Zoo, TooSmallImageIsAClearError) {
  Options o;
  o.image_size = 16;
  Expected<onnx::ModelProto> m = build("alexnet", o);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.status().code(), Code::kInvalidArgument);
  EXPECT_NE(m.status().message().find("too small"), std::string::npos) << m.status().message();
  o.image_size = 4;
  EXPECT_FALSE(build("resnet18", o).has_value());
  o.image_size = 64;
  o.batch = 0;
  EXPECT_FALSE(build("resnet18", o).has_value());
}

TEST(Zoo, RandomDagsAreValidVariedAndRun) {
  std::set<int> sizes;
  int with_join = 0, with_fanout = 0;
  for (uint64_t seed = 0; seed < 12; ++seed) {
    const std::string name = "random" + std::to_string(seed);
    Options o;
    o.image_size = 32;
    onnx::ModelProto m = must_build(name, o);
    const int n = m.graph().node_size();
    EXPECT_GE(n, 10) << name;
    EXPECT_LE(n, 60) << name;
    sizes.insert(n);
    expect_valid(m, 1);
    expect_runs_sanely(m, 32, name);
    // Joins (Add / multi-input Concat inside the body) and fan-out (a value read twice).
    std::unordered_map<std::string, int> readers;
    for (const auto& node : m.graph().node()) {
      for (const auto& in : node.input()) ++readers[in];
    }
    with_join += count_op(m, "Add") + count_op(m, "Concat") > 1;
    for (const auto& node : m.graph().node()) {
      if (readers[node.output(0)] > 1) {
        ++with_fanout;
        break;
      }
    }
    // Every node reaches the output (no dead ends).
    std::unordered_map<std::string, const onnx::NodeProto*> producer;
    for (const auto& node : m.graph().node()) producer[node.output(0)] = &node;
    std::unordered_set<std::string> live = {"output"};
    for (int i = m.graph().node_size() - 1; i >= 0; --i) {
      const auto& node = m.graph().node(i);
      if (!live.count(node.output(0))) {
        ADD_FAILURE() << name << ": node " << node.name() << " does not reach the output";
        continue;
      }
      for (const auto& in : node.input()) live.insert(in);
    }
  }
  EXPECT_GE(sizes.size(), 4u) << "random sizes should vary";
  EXPECT_GE(with_join, 6);
  EXPECT_GE(with_fanout, 6);
}

TEST(Zoo, WriteModel) {
  Options o;
  o.image_size = 32;
  o.width_divisor = 16;
  onnx::ModelProto m = must_build("resnet18", o);
  const std::string path = ::testing::TempDir() + "edgecut_zoo_resnet18.onnx";
  ASSERT_TRUE(write_model(m, path).is_ok());
  cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
  EXPECT_FALSE(net.empty());
  std::remove(path.c_str());
  Status st = write_model(m, "/nonexistent-dir/x.onnx");
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), Code::kIo);
  EXPECT_NE(st.message().find("/nonexistent-dir/x.onnx"), std::string::npos);
}

}  // namespace
}  // namespace edgecut::zoo
