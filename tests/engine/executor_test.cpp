// Executor API: caching, errors at prepare time, bad inputs, per-node times,
// and the OpenCV clean-up pass.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/opencv_executor.h"
#include "engine_test_util.h"
#include "zoo/zoo.h"
#include "zoo_model.h"

namespace edgecut::engine::testing {
namespace {

using edgecut::testing::zoo_model;

TEST(Executor, UnknownEngineAndBadThreads) {
  graph::Model m = zoo_model("resnet18");
  auto e = make_executor(m, "tensorrt", 1);
  ASSERT_FALSE(e);
  EXPECT_NE(e.status().message().find("unknown engine 'tensorrt'"), std::string::npos);
  EXPECT_FALSE(make_executor(m, "opencv", 0));
  auto names = engine_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "opencv"), names.end());
}

TEST(Executor, CachesByContent) {
  graph::Model m = zoo_model("resnet18");
  auto e = make_executor(m, "opencv", 1);
  ASSERT_TRUE(e);
  std::vector<NodeId> head = {0, 1, 2};
  auto a = (*e)->prepare(head);
  auto b = (*e)->prepare({2, 0, 1, 1});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  auto c = (*e)->prepare({0, 1});
  ASSERT_TRUE(c);
  EXPECT_NE(*a, *c);
  EXPECT_EQ((*e)->info(*a).nodes, head);
  EXPECT_EQ((*e)->threads(), 1);
  EXPECT_EQ((*e)->name(), "opencv-dnn");
}

TEST(Executor, RefusesUnsupportedOpAtPrepareNamingTheNode) {
  auto m = graph::import_model(einsum_model(), "einsum_net");
  ASSERT_TRUE(m) << m.status().message();
  auto e = make_executor(*m, "opencv", 1);
  ASSERT_TRUE(e);
  auto whole = (*e)->prepare(all_nodes(m->graph));
  ASSERT_FALSE(whole);
  EXPECT_EQ(whole.status().code(), Code::kUnsupported);
  EXPECT_NE(whole.status().message().find("transpose_by_einsum"), std::string::npos)
      << whole.status().message();
  EXPECT_NE(whole.status().message().find("Einsum"), std::string::npos) << whole.status().message();
  // The part OpenCV can run still prepares and runs.
  auto head = (*e)->prepare({0});
  ASSERT_TRUE(head) << head.status().message();
  std::vector<Tensor> out;
  EXPECT_TRUE((*e)->run(*head, random_inputs(m->graph, 1), &out).is_ok());
}

TEST(Executor, BadInputsAreErrorsNotCrashes) {
  graph::Model m = zoo_model("resnet18");
  const Graph& g = m.graph;
  auto e = make_executor(m, "opencv", 1);
  ASSERT_TRUE(e);
  auto id = (*e)->prepare(all_nodes(g));
  ASSERT_TRUE(id) << id.status().message();
  std::vector<Tensor> out;
  // Wrong shape.
  std::vector<Tensor> in = random_inputs(g, 1);
  in[0] = *Tensor::make(in[0].name(), graph::DType::kFloat, {1, 3, 16, 16});
  Status st = (*e)->run(*id, in, &out);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find("shape"), std::string::npos) << st.message();
  // Right shape, wrong dtype; a view of too little data is refused when made.
  in = random_inputs(g, 1);
  in[0] = *Tensor::make(in[0].name(), graph::DType::kUInt8, in[0].shape());
  EXPECT_EQ((*e)->run(*id, in, &out).code(), Code::kInvalidArgument);
  EXPECT_FALSE(Tensor::view("x", graph::DType::kFloat, {1, 3}, in[0].data(), 11));
  // Missing input.
  EXPECT_EQ((*e)->run(*id, {}, &out).code(), Code::kInvalidArgument);
  // Unknown segment, bad node ids, empty segment.
  EXPECT_EQ((*e)->run(42, random_inputs(g, 1), &out).code(), Code::kInvalidArgument);
  EXPECT_FALSE((*e)->prepare({-1}));
  EXPECT_FALSE((*e)->prepare({g.num_nodes()}));
  EXPECT_FALSE((*e)->prepare({}));
}

TEST(Executor, PredecessorClosure) {
  graph::Model m = zoo_model("googlenet");
  const Graph& g = m.graph;
  EXPECT_TRUE(check_predecessor_closed(g, {}).is_ok());
  EXPECT_TRUE(check_predecessor_closed(g, all_nodes(g)).is_ok());
  std::vector<NodeId> bad = {g.topo[1]};  // its producer topo[0] is missing
  Status st = check_predecessor_closed(g, bad);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_NE(st.message().find(g.nodes[g.topo[0]].name), std::string::npos) << st.message();
  EXPECT_FALSE(check_predecessor_closed(g, {g.num_nodes() + 3}).is_ok());
}

TEST(Executor, LastRunNodeTimesMapToGraphNodes) {
  graph::Model m = zoo_model("resnet18", 64);
  const Graph& g = m.graph;
  auto e = make_executor(m, "opencv", 1);
  ASSERT_TRUE(e);
  auto id = (*e)->prepare(all_nodes(g));
  ASSERT_TRUE(id);
  std::vector<Tensor> out;
  ASSERT_TRUE((*e)->run(*id, random_inputs(g, 3), &out).is_ok());
  auto ms = (*e)->last_run_node_ms(*id);
  ASSERT_TRUE(ms) << ms.status().message();
  ASSERT_EQ(static_cast<int>(ms->size()), g.num_nodes());
  double conv = 0, total = 0;
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    total += (*ms)[v];
    if (g.nodes[v].op == "Conv") conv += (*ms)[v];
  }
  EXPECT_GT(conv, 0.0);
  EXPECT_GE(total, conv);
}

TEST(Submodel, HasOnlyWhatTheSegmentUses) {
  graph::Model m = zoo_model("resnet18");
  const Graph& g = m.graph;
  std::vector<NodeId> head(g.topo.begin(), g.topo.begin() + 5);
  graph::SegmentInfo seg = describe_segment(g, head);
  auto sub = extract_submodel(m, seg);
  ASSERT_TRUE(sub) << sub.status().message();
  EXPECT_EQ(sub->graph().node_size(), 5);
  EXPECT_EQ(sub->graph().input_size(), static_cast<int>(seg.inputs.size()));
  EXPECT_EQ(sub->graph().output_size(), static_cast<int>(seg.outputs.size()));
  for (const auto& in : sub->graph().input()) {
    EXPECT_GT(in.type().tensor_type().shape().dim_size(), 0) << in.name() << " has no shape";
  }
  int64_t sub_weights = sub->graph().initializer_size();
  EXPECT_LT(sub_weights, m.proto.graph().initializer_size());
  EXPECT_FALSE(extract_submodel(m, describe_segment(g, {})));
}

TEST(Cleanup, ConstantsIdentitiesAndClipBounds) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  add_io(g->mutable_input(), "x", {1, 4});
  auto* w = g->add_initializer();  // weight read through an Identity
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(1);
  w->add_dims(4);
  for (int i = 0; i < 4; ++i) w->add_float_data(1.0f);
  auto node = [&](const std::string& op, std::vector<std::string> in, std::string out) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(out + "_node");
    for (auto& s : in) n->add_input(s);
    n->add_output(out);
    return n;
  };
  node("Identity", {"w"}, "w2");
  for (auto [name, v] : {std::pair<const char*, float>{"lo", 0.f}, {"hi", 6.f}}) {
    auto* c = node("Constant", {}, name);
    auto* a = c->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    a->mutable_t()->add_float_data(v);
  }
  node("Add", {"x", "w2"}, "s");
  node("Clip", {"s", "lo", "hi"}, "y");
  add_io(g->mutable_output(), "y", {1, 4});
  CleanupReport r;
  ASSERT_TRUE(clean_for_opencv(&m, &r).is_ok());
  EXPECT_EQ(r.constants_to_initializers, 2);
  EXPECT_EQ(r.identities_of_weights, 1);
  EXPECT_EQ(r.clip_bounds_to_attributes, 1);
  ASSERT_EQ(g->node_size(), 2);
  EXPECT_EQ(g->node(1).op_type(), "Clip");
  EXPECT_EQ(g->node(1).input_size(), 1);
  ASSERT_EQ(g->node(1).attribute_size(), 2);
  EXPECT_EQ(g->node(1).attribute(1).f(), 6.f);
  ASSERT_EQ(g->initializer_size(), 1);  // "w" is now unused: only "w2" stays
  EXPECT_EQ(g->initializer(0).name(), "w2");
}

}  // namespace
}  // namespace edgecut::engine::testing
