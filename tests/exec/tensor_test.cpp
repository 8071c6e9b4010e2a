// Typed tensors and split runs on a built-in model.
#include "exec/tensor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "exec/split_run.h"
#include "graph/onnx_import.h"
#include "zoo/zoo.h"

namespace edgecut::exec {
namespace {

TEST(Tensor, MakeViewCloneAndTypedAccess) {
  auto t = Tensor::make("x", DType::kFloat, {2, 3});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->bytes(), 24u);
  EXPECT_EQ(t->elements(), 6);
  EXPECT_TRUE(t->owned());
  for (float v : t->as<float>()) EXPECT_EQ(v, 0.f);
  t->as_mutable<float>()[4] = 2.5f;
  Tensor shared = *t;  // copies share storage
  EXPECT_EQ(shared.as<float>()[4], 2.5f);
  Tensor c = t->clone();
  t->as_mutable<float>()[4] = 1.f;
  EXPECT_EQ(c.as<float>()[4], 2.5f);
  EXPECT_FALSE(c.bit_equal(*t));

  std::vector<uint8_t> bytes(12, 7);
  auto v = Tensor::view("u", DType::kUInt8, {3, 4}, bytes.data(), bytes.size());
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->owned());
  EXPECT_EQ(v->data(), bytes.data());  // no copy
  EXPECT_EQ(v->as<uint8_t>()[11], 7);
}

TEST(Tensor, RefusesInconsistentSizes) {
  std::vector<uint8_t> bytes(10);
  auto v = Tensor::view("u", DType::kFloat, {3}, bytes.data(), bytes.size());
  ASSERT_FALSE(v);
  EXPECT_NE(v.status().message().find("'u'"), std::string::npos) << v.status().message();
  EXPECT_FALSE(Tensor::make("n", DType::kFloat, {-1, 2}));
  EXPECT_FALSE(Tensor::make("big", DType::kFloat, {1LL << 40, 1LL << 40}));
  EXPECT_FALSE(Tensor::make("d", DType::kUnknown, {1}));
  std::vector<float> three = {1, 2, 3};
  EXPECT_FALSE(Tensor::from_floats("f", {4}, three));
  EXPECT_EQ(element_count({2, 0, 5}), 0);
  EXPECT_EQ(shape_str({1, 3, 224, 224}), "1x3x224x224");
}

TEST(Tensor, MaxAbsDiff) {
  std::vector<float> a = {1, 2, 3}, b = {1, 2.5f, 3};
  auto x = *Tensor::from_floats("a", {3}, a);
  auto y = *Tensor::from_floats("b", {3}, b);
  EXPECT_DOUBLE_EQ(max_abs_diff(x, y), 0.5);
  auto z = *Tensor::make("z", DType::kUInt8, {3});
  EXPECT_TRUE(std::isinf(max_abs_diff(x, z)));
}

TEST(SplitRun, PickAndRandomTensors) {
  zoo::Options o;
  o.image_size = 32;
  o.width_divisor = 8;
  graph::Model m = *graph::import_model(*zoo::build("resnet18", o), "zoo:resnet18");
  const graph::Graph& g = m.graph;
  auto in = random_tensors(g, g.inputs, 5);
  ASSERT_TRUE(in);
  auto again = random_tensors(g, g.inputs, 5);
  EXPECT_TRUE((*in)[0].bit_equal((*again)[0]));  // seeded: runs compare across processes
  auto picked = pick(g, g.inputs, *in);
  ASSERT_TRUE(picked);
  EXPECT_EQ((*picked)[0].data(), (*in)[0].data());  // shares storage
  auto missing = pick(g, g.outputs, *in);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace edgecut::exec
