// Inputs the fuzzers of fuzz/ found crashing, and the seed corpora they run
// from: each must import (or parse) to a Model or a clear Status, never crash.
// This suite runs under ASan/UBSan in CI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "graph/onnx_import.h"
#include "test_paths.h"

namespace edgecut::graph {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(edgecut::testing::source_dir()) / "fuzz" / "corpus" / "onnx_import_fuzz";

onnx::ModelProto conv_model(std::vector<int64_t> input_shape, std::vector<int64_t> weight_shape,
                            const std::string& op) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  auto shaped = [](onnx::ValueInfoProto* vi, const char* name, const std::vector<int64_t>& dims) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  };
  shaped(g->add_input(), "x", input_shape);
  g->add_output()->set_name("y");
  auto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  int64_t n = 1;
  for (int64_t d : weight_shape) {
    w->add_dims(d);
    n *= d;
  }
  for (int64_t i = 0; i < n; ++i) w->add_float_data(0.f);
  auto* node = g->add_node();
  node->set_name("the_conv");
  node->set_op_type(op);
  node->add_input("x");
  node->add_input("w");
  node->add_output("y");
  return m;
}

// libonnx 1.12's convPoolShapeInference dereferenced null on these (SIGSEGV
// in InferShapes; fuzz/corpus/onnx_import_fuzz/crash-conv-rank2-input.onnx).
TEST(FuzzRegression, ConvWithoutSpatialDimsIsAnErrorNamingTheNode) {
  for (const char* op : {"Conv", "ConvTranspose"}) {
    for (auto [x, w] : std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>>{
             {{1, 3}, {3, 3, 3, 3}}, {{1, 3, 4}, {3, 3, 3, 3}}, {{1, 3, 4, 4}, {3, 3, 3}}}) {
      auto m = import_model(conv_model(x, w, op), "conv.onnx");
      ASSERT_FALSE(m.has_value()) << op;
      EXPECT_NE(m.status().message().find("the_conv"), std::string::npos) << m.status().to_string();
      EXPECT_NE(m.status().message().find("rank"), std::string::npos) << m.status().to_string();
    }
  }
  // Well-formed ranks still import.
  EXPECT_TRUE(import_model(conv_model({1, 3, 4, 4}, {2, 3, 3, 3}, "Conv"), "conv.onnx").has_value());
  EXPECT_TRUE(import_model(conv_model({1, 3, 8}, {2, 3, 3}, "Conv"), "conv1d.onnx").has_value());
}

// libonnx 1.12's convPoolShapeInference divided by a zero stride (SIGFPE;
// fuzz/corpus/onnx_import_fuzz/crash-maxpool-zero-stride.onnx).
TEST(FuzzRegression, ZeroWindowAttributeIsAnErrorNamingTheNodeAndAttribute) {
  for (const char* op : {"Conv", "MaxPool", "AveragePool"}) {
    for (const char* attr : {"strides", "dilations", "kernel_shape"}) {
      if (std::string(attr) == "dilations" && std::string(op) == "AveragePool") continue;
      onnx::ModelProto m = conv_model({1, 3, 4, 4}, {2, 3, 3, 3}, op);
      auto* node = m.mutable_graph()->mutable_node(0);
      if (std::string(op) != "Conv") node->mutable_input()->RemoveLast();
      for (const char* name : {"kernel_shape", "strides", "dilations"}) {
        if (std::string(op) == "AveragePool" && std::string(name) == "dilations") continue;
        auto* a = node->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INTS);
        a->add_ints(name == std::string(attr) ? 0 : 1);
        a->add_ints(1);
      }
      auto r = import_model(std::move(m), "zero.onnx");
      ASSERT_FALSE(r.has_value()) << op << " " << attr;
      EXPECT_NE(r.status().message().find("the_conv"), std::string::npos) << r.status().to_string();
      EXPECT_NE(r.status().message().find(attr), std::string::npos) << r.status().to_string();
    }
  }
}

// libonnx 1.12's data propagation dereferenced null for a Shape-15 reading a
// value nobody makes (fuzz/corpus/onnx_import_fuzz/crash-shape15-undefined-input.onnx).
TEST(FuzzRegression, UndefinedValueIsAnErrorNamingNodeAndValue) {
  onnx::ModelProto m = conv_model({1, 3, 4, 4}, {2, 3, 3, 3}, "Conv");
  m.mutable_opset_import(0)->set_version(15);
  auto* shape = m.mutable_graph()->add_node();
  shape->set_name("the_shape");
  shape->set_op_type("Shape");
  shape->add_input("made_by_nobody");
  shape->add_output("s");
  m.mutable_graph()->add_output()->set_name("s");
  auto r = import_model(std::move(m), "shape.onnx");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("the_shape"), std::string::npos) << r.status().to_string();
  EXPECT_NE(r.status().message().find("made_by_nobody"), std::string::npos) << r.status().to_string();
}

// A Shape-15 reading the output of a Conv whose inference failed (untyped):
// libonnx 1.12's data propagation dereferenced null
// (fuzz/corpus/onnx_import_fuzz/crash-shape15-untyped-input.onnx).
TEST(FuzzRegression, ShapeOfAFailedNodeIsAnError) {
  onnx::ModelProto m = conv_model({1, 3, 4}, {2, 3, 3, 3}, "Conv");
  m.mutable_opset_import(0)->set_version(15);
  auto* shape = m.mutable_graph()->add_node();
  shape->set_name("the_shape");
  shape->set_op_type("Shape");
  shape->add_input("y");
  shape->add_output("s");
  m.mutable_graph()->add_output()->set_name("s");
  auto r = import_model(std::move(m), "shape.onnx");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("the_conv"), std::string::npos) << r.status().to_string();
}

TEST(FuzzRegression, EverySeedAndCrashInputLoadsOrFails) {
  int files = 0, crashes = 0;
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    auto m = load_model(e.path().string());
    ++files;
    if (e.path().filename().string().rfind("crash-", 0) == 0) {
      ++crashes;
      EXPECT_FALSE(m.has_value()) << e.path();
    }
  }
  EXPECT_GE(files, 5);
  EXPECT_GE(crashes, 5);  // crash-scan-without-body.onnx: Scan with no body
}

}  // namespace
}  // namespace edgecut::graph
