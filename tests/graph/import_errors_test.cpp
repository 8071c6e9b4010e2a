// Bad ONNX input gets a clear error naming the file and the node or value at
// fault, never a crash (this suite runs under ASan/UBSan in CI).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "graph/onnx_import.h"
#include "zoo/zoo.h"

namespace edgecut::graph {
namespace {

namespace fs = std::filesystem;

class ImportErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("edgecut_import_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  fs::path dir_;
};

onnx::ModelProto tiny_model() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("tiny");
  auto add_io = [](onnx::ValueInfoProto* vi, const char* name, bool shaped) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    if (shaped) {
      for (int d : {1, 4}) tt->mutable_shape()->add_dim()->set_dim_value(d);
    }
  };
  add_io(g->add_input(), "x", true);
  add_io(g->add_output(), "z", false);
  auto* a = g->add_node();
  a->set_name("relu_a");
  a->set_op_type("Relu");
  a->add_input("x");
  a->add_output("y");
  auto* b = g->add_node();
  b->set_name("relu_b");
  b->set_op_type("Relu");
  b->add_input("y");
  b->add_output("z");
  return m;
}

TEST_F(ImportErrors, MissingFile) {
  auto r = load_model((dir_ / "nope.onnx").string());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_NE(r.status().message().find("nope.onnx"), std::string::npos);
}

TEST_F(ImportErrors, EmptyAndRandomBytes) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 50; ++trial) {
    std::string bytes(static_cast<size_t>(rng() % 5000), '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    std::string path = write("random.onnx", bytes);
    auto r = load_model(path);
    ASSERT_FALSE(r.has_value()) << "trial " << trial;
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().to_string();
  }
}

TEST_F(ImportErrors, TruncatedModel) {
  auto proto = zoo::build("resnet18", {1, 32, 1});
  ASSERT_TRUE(proto.has_value()) << proto.status().to_string();
  std::string bytes = proto->SerializeAsString();
  for (double frac : {0.1, 0.5, 0.9, 0.999}) {
    std::string path = write("trunc.onnx", bytes.substr(0, static_cast<size_t>(bytes.size() * frac)));
    auto r = load_model(path);
    ASSERT_FALSE(r.has_value()) << "fraction " << frac;
    EXPECT_NE(r.status().message().find("trunc.onnx"), std::string::npos);
  }
  // The whole file loads.
  EXPECT_TRUE(load_model(write("whole.onnx", bytes)).has_value());
}

TEST_F(ImportErrors, CycleNamesANode) {
  auto m = tiny_model();
  m.mutable_graph()->mutable_node(0)->set_op_type("Add");
  m.mutable_graph()->mutable_node(0)->add_input("z");  // relu_a reads relu_b's output
  auto r = import_model(m, "cycle.onnx");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("cycle"), std::string::npos) << r.status().to_string();
  EXPECT_NE(r.status().message().find("relu_"), std::string::npos) << r.status().to_string();
}

TEST_F(ImportErrors, ShapeThatCannotBeInferredNamesTheValue) {
  auto m = tiny_model();
  auto* n = m.mutable_graph()->mutable_node(1);
  n->set_op_type("MysteryOp");
  n->set_domain("com.example");
  m.add_opset_import()->set_domain("com.example");
  m.mutable_opset_import(1)->set_version(1);
  auto r = import_model(m, "mystery.onnx");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("'z'"), std::string::npos) << r.status().to_string();
}

TEST_F(ImportErrors, UnsupportedDtypeNamesTheValue) {
  auto m = tiny_model();
  m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(
      onnx::TensorProto::STRING);
  auto r = import_model(m, "strings.onnx");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("strings.onnx"), std::string::npos) << r.status().to_string();
}

TEST_F(ImportErrors, DynamicDimensionIsNamed) {
  auto m = tiny_model();
  auto* shape = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  shape->mutable_dim(1)->set_dim_param("width");
  auto r = import_model(m, "dynamic.onnx");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("width"), std::string::npos) << r.status().to_string();
}

TEST_F(ImportErrors, SymbolicBatchIsPinned) {
  auto m = tiny_model();
  auto* shape = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  shape->mutable_dim(0)->set_dim_param("batch");
  auto r = import_model(m, "batch.onnx");
  ASSERT_TRUE(r.has_value()) << r.status().to_string();
  EXPECT_EQ(r->graph.values[r->graph.inputs[0]].bytes, 16);
}

TEST_F(ImportErrors, UnboundSymbolIsNamedWithAHint) {
  auto m = tiny_model();
  auto* shape = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  shape->mutable_dim(1)->set_dim_param("W");
  auto r = import_model(m, "sym.onnx");
  ASSERT_FALSE(r.has_value());
  const std::string msg = r.status().message();
  EXPECT_NE(msg.find("'W'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--input-shape x="), std::string::npos) << msg;
}

TEST_F(ImportErrors, InputShapeBindsSymbols) {
  auto m = tiny_model();
  auto* shape = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  shape->mutable_dim(0)->set_dim_param("N");
  shape->mutable_dim(1)->set_dim_param("W");
  ImportOptions o;
  o.input_shapes["x"] = {3, 5};
  auto r = import_model(m, "sym.onnx", o);
  ASSERT_TRUE(r.has_value()) << r.status().to_string();
  const auto& g = r->graph;
  EXPECT_EQ(g.values[g.inputs[0]].shape, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(g.values[g.outputs[0]].shape, (std::vector<int64_t>{3, 5}));  // inferred through the Relus
}

TEST_F(ImportErrors, InputShapeMistakesAreRefused) {
  struct Case {
    std::string name;
    std::vector<int64_t> dims;
    std::string says;
  };
  for (const Case& c : {Case{"y", {1, 4}, "not an input"}, Case{"x", {1, 4, 1}, "3 dims"},
                        Case{"x", {2, 4}, "fixes it to 1"}, Case{"x", {1, 0}, ">= 1"}}) {
    ImportOptions o;
    o.input_shapes[c.name] = c.dims;
    auto r = import_model(tiny_model(), "bad.onnx", o);
    ASSERT_FALSE(r.has_value()) << c.name;
    EXPECT_NE(r.status().message().find(c.says), std::string::npos) << r.status().message();
  }
}

TEST_F(ImportErrors, MissingExternalDataNamesInitializerAndFile) {
  auto m = tiny_model();
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("weights");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(4);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* kv = w->add_external_data();
  kv->set_key("location");
  kv->set_value("weights.bin");
  std::string path = write("external.onnx", m.SerializeAsString());
  auto r = load_model(path);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("weights.bin"), std::string::npos) << r.status().to_string();
  EXPECT_NE(r.status().message().find("'weights'"), std::string::npos);
}

TEST_F(ImportErrors, ReadOfUnproducedValueNamesNode) {
  auto m = tiny_model();
  m.mutable_graph()->mutable_node(1)->set_input(0, "ghost");
  auto r = import_model(m, "ghost.onnx");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.status().message().find("ghost"), std::string::npos) << r.status().to_string();
}

TEST_F(ImportErrors, ControlFlowIsRefused) {
  auto m = tiny_model();
  auto* attr = m.mutable_graph()->mutable_node(1)->add_attribute();
  attr->set_name("then_branch");
  attr->set_type(onnx::AttributeProto::GRAPH);
  attr->mutable_g()->set_name("branch");
  m.mutable_graph()->mutable_node(1)->set_op_type("If");
  auto r = import_model(m, "if.onnx");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.status().code(), Code::kUnsupported);
}

TEST(Import, WeightOnlyNodesAreFoldedIntoWeights) {
  auto m = tiny_model();
  auto* g = m.mutable_graph();
  auto* w = g->add_initializer();
  w->set_name("w0");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(1);
  w->add_dims(4);
  for (int i = 0; i < 4; ++i) w->add_float_data(1.0f);
  auto* id = g->add_node();
  id->set_name("identity_w");
  id->set_op_type("Identity");
  id->add_input("w0");
  id->add_output("w1");
  g->mutable_node(1)->set_op_type("Add");
  g->mutable_node(1)->add_input("w1");
  // ONNX wants nodes in topological order: the Identity goes first.
  std::rotate(g->mutable_node()->begin(), g->mutable_node()->end() - 1, g->mutable_node()->end());
  auto r = import_model(m, "fold.onnx");
  ASSERT_TRUE(r.has_value()) << r.status().to_string();
  EXPECT_EQ(r->graph.num_nodes(), 2);
  ASSERT_EQ(r->graph.constant_nodes.size(), 1u);
  EXPECT_EQ(r->graph.constant_nodes[0], "identity_w");
}

}  // namespace
}  // namespace edgecut::graph
