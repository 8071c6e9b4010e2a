// Shared helpers for the engine tests: random valid plans, head/tail runs.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/submodel.h"
#include "exec/split_run.h"
#include "graph/onnx_import.h"
#include "graph/segment.h"

namespace edgecut::engine::testing {

using exec::Tensor;
using graph::Graph;
using graph::NodeId;
using graph::ValueId;

// A random predecessor-closed node set of size in [1, N-1] (graph::
// random_closed_set). mode 0: a topological prefix then random frontier
// additions (ragged cuts near one point); mode 1: random frontier growth from
// the start (cuts that leave many branches open, e.g. inside inception /
// dense blocks).
inline std::vector<NodeId> random_closed_set(const Graph& g, std::mt19937_64& rng, int mode) {
  const int k = std::uniform_int_distribution<int>(1, std::max(1, g.num_nodes() - 1))(rng);
  const int prefix = mode == 0 ? std::uniform_int_distribution<int>(0, k)(rng) : 0;
  return graph::mask_nodes(graph::random_closed_set(g, rng, prefix, k - prefix, false));
}

// How many random plans a torchvision sweep runs on `model`: 20 in a plain
// build (scripts/exactness.sh; CI runs it); under AddressSanitizer 6, and 4
// for resnet50. What ASan adds is memory safety of our sub-model extraction
// and split runs, which every plan exercises alike; the numbers (tolerance,
// bit-exactness) are the plain build's to check. ASan's allocator maps every
// buffer over 128 KiB afresh, so each session's copies of an export's
// weights page-fault anew (13x the plain build's time: 148 s for resnet50's
// ONNX Runtime sweep at 20 plans), and `scripts/test.sh` has a 10-minute
// budget.
inline int sweep_plans(const std::string& model) {
#if defined(__SANITIZE_ADDRESS__)
  return model == "resnet50" ? 4 : 6;
#else
  (void)model;
  return 20;
#endif
}

using graph::all_nodes;
using graph::check_predecessor_closed;
using graph::complement;
using graph::describe_segment;

inline std::vector<Tensor> random_inputs(const Graph& g, uint32_t seed) {
  return *exec::random_tensors(g, g.inputs, seed);
}

inline bool read_floats(const std::string& path, std::vector<float>* out) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return false;
  auto size = static_cast<size_t>(f.tellg());
  out->resize(size / sizeof(float));
  f.seekg(0);
  f.read(reinterpret_cast<char*>(out->data()), static_cast<std::streamsize>(out->size() * sizeof(float)));
  return static_cast<bool>(f);
}

struct SplitRun {
  Status status;
  std::vector<Tensor> outputs;  // graph outputs, in g.outputs order
  int crossing = 0;             // tensors the tail reads that the head (or the camera) made
};

// Runs head = `edge` then tail = the rest on `ex` (exec/split_run.h).
inline SplitRun run_split(exec::Executor& ex, const Graph& g, const std::vector<NodeId>& edge,
                          const std::vector<Tensor>& inputs) {
  SplitRun r;
  auto plan = exec::prepare_split(ex, g, edge);
  if (!plan) {
    r.status = plan.status();
    return r;
  }
  auto res = exec::run_split(ex, g, *plan, inputs);
  if (!res) {
    r.status = res.status();
    return r;
  }
  r.outputs = std::move(res->outputs);
  r.crossing = static_cast<int>(res->crossed.size());
  return r;
}

inline float max_abs_diff_to(const Tensor& a, const std::vector<float>& b) {
  auto x = a.as<float>();
  float m = 0;
  for (size_t i = 0; i < x.size() && i < b.size(); ++i) m = std::max(m, std::fabs(x[i] - b[i]));
  return x.size() == b.size() ? m : INFINITY;
}
inline bool bit_identical(const Tensor& a, const Tensor& b) { return a.bit_equal(b); }

inline onnx::ValueInfoProto* add_io(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list,
                                    const std::string& name, std::vector<int64_t> dims) {
  auto* vi = list->Add();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  return vi;
}

// x -> Relu -> Einsum("ij->ji"): OpenCV 4.6 has no Einsum layer.
inline onnx::ModelProto einsum_model() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("einsum_net");
  add_io(g->mutable_input(), "x", {2, 4});
  auto* relu = g->add_node();
  relu->set_op_type("Relu");
  relu->set_name("relu");
  relu->add_input("x");
  relu->add_output("y");
  auto* e = g->add_node();
  e->set_op_type("Einsum");
  e->set_name("transpose_by_einsum");
  e->add_input("y");
  e->add_output("z");
  auto* a = e->add_attribute();
  a->set_name("equation");
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s("ij->ji");
  add_io(g->mutable_output(), "z", {4, 2});
  return m;
}

}  // namespace edgecut::engine::testing
