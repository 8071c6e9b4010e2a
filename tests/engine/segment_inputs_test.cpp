// exec::segment_inputs on ONNX Runtime: a segment that reads an int64 shape
// tensor (a Reshape whose target is computed from Shape / Gather / Concat)
// gets the real values, so running it alone on them gives what the whole
// model gives on the same graph inputs. Random numbers there would make the
// Reshape fail, as they did for ViT in `bench accuracy` before.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/shape_probe.h"
#include "engine_test_util.h"
#include "fixtures.h"
#include "ort_skip.h"

namespace edgecut::engine::testing {
namespace {

graph::NodeId node_named(const Graph& g, const std::string& name) {
  for (NodeId v = 0; v < g.num_nodes(); ++v)
    if (g.nodes[v].name == name) return v;
  return graph::kNoNode;
}

TEST(SegmentInputs, NonFloatInputsAreComputedNotRandom) {
  if (auto why = edgecut::testing::ort_missing()) GTEST_SKIP() << *why;
  if (auto why = edgecut::testing::torchvision_missing("computed_reshape")) GTEST_SKIP() << *why;
  // Static inference leaves the Reshape's output unknown: shapes by execution.
  auto proto = graph::read_model_file(edgecut::testing::torchvision_path("computed_reshape"));
  ASSERT_TRUE(proto) << proto.status().message();
  auto model = import_resolving_shapes(std::move(*proto), "computed_reshape", {});
  ASSERT_TRUE(model) << model.status().message();
  const Graph& g = model->graph;
  const NodeId reshape = node_named(g, "reshape");
  ASSERT_NE(reshape, graph::kNoNode);
  // The tail from the Reshape on: it reads the conv output and the int64 target.
  std::vector<NodeId> tail;
  for (NodeId v : g.topo)
    if (v == reshape || !tail.empty()) tail.push_back(v);
  auto ex = make_executor(*model, "ort", 1);
  ASSERT_TRUE(ex) << ex.status().message();
  auto id = (*ex)->prepare(tail);
  ASSERT_TRUE(id) << id.status().message();
  const auto& ins = (*ex)->info(*id).inputs;
  ASSERT_TRUE(std::any_of(ins.begin(), ins.end(),
                          [&](ValueId x) { return g.values[x].dtype == graph::DType::kInt64; }));
  EXPECT_FALSE(exec::random_tensors(g, ins, 5)) << "random int64 inputs must be refused";

  auto in = exec::segment_inputs(**ex, g, tail, ins, 5);
  ASSERT_TRUE(in) << in.status().message();
  std::vector<Tensor> out, whole;
  ASSERT_TRUE((*ex)->run(*id, *in, &out).is_ok());
  auto whole_id = (*ex)->prepare(all_nodes(g));
  ASSERT_TRUE(whole_id);
  ASSERT_TRUE((*ex)->run(*whole_id, *exec::random_tensors(g, g.inputs, 5), &whole).is_ok());
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_LE(exec::max_abs_diff(out[0], whole[0]), 1e-5);

  // Float-only inputs stay random (and cost no extra run).
  const std::vector<ValueId> conv_out = g.nodes[g.topo.front()].outputs;
  auto rnd = exec::segment_inputs(**ex, g, {reshape}, conv_out, 5);
  ASSERT_TRUE(rnd);
  EXPECT_TRUE(bit_identical((*rnd)[0], (*exec::random_tensors(g, conv_out, 5))[0]));
}

}  // namespace
}  // namespace edgecut::engine::testing
