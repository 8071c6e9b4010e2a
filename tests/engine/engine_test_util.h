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
#include "graph/onnx_import.h"
#include "profile/executor.h"

namespace edgecut::engine::testing {

using graph::Graph;
using graph::NodeId;
using graph::ValueId;
using profile::Tensor;

// A random predecessor-closed node set of size k in [1, N-1]. mode 0: a
// topological prefix then random frontier additions (ragged cuts near one
// point); mode 1: random frontier growth from the start (cuts that leave many
// branches open, e.g. inside inception / dense blocks). O(V + E).
inline std::vector<NodeId> random_closed_set(const Graph& g, std::mt19937& rng, int mode) {
  const int n = g.num_nodes();
  std::vector<int> remaining(n, 0);
  for (NodeId v = 0; v < n; ++v) {
    std::vector<NodeId> preds;
    for (ValueId x : g.activation_inputs(v)) {
      if (g.values[x].producer != graph::kNoNode) preds.push_back(g.values[x].producer);
    }
    std::sort(preds.begin(), preds.end());
    remaining[v] = static_cast<int>(std::unique(preds.begin(), preds.end()) - preds.begin());
  }
  std::vector<char> in(n, 0);
  std::vector<NodeId> frontier, set;
  for (NodeId v = 0; v < n; ++v) {
    if (remaining[v] == 0) frontier.push_back(v);
  }
  auto add = [&](NodeId v) {
    in[v] = 1;
    set.push_back(v);
    for (NodeId w : g.successors(v)) {
      if (--remaining[w] == 0) frontier.push_back(w);
    }
  };
  const int k = std::uniform_int_distribution<int>(1, std::max(1, n - 1))(rng);
  if (mode == 0) {
    const int prefix = std::uniform_int_distribution<int>(0, k)(rng);
    for (int i = 0; i < prefix; ++i) add(g.topo[i]);
  }
  while (static_cast<int>(set.size()) < k) {
    frontier.erase(std::remove_if(frontier.begin(), frontier.end(), [&](NodeId v) { return in[v] != 0; }),
                   frontier.end());
    if (frontier.empty()) break;
    size_t i = std::uniform_int_distribution<size_t>(0, frontier.size() - 1)(rng);
    add(frontier[i]);
  }
  std::sort(set.begin(), set.end());
  return set;
}

inline std::vector<NodeId> complement(const Graph& g, const std::vector<NodeId>& s) {
  std::vector<char> in(g.num_nodes(), 0);
  for (NodeId v : s) in[v] = 1;
  std::vector<NodeId> out;
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    if (!in[v]) out.push_back(v);
  }
  return out;
}

inline std::vector<NodeId> all_nodes(const Graph& g) { return complement(g, {}); }

inline std::vector<Tensor> random_inputs(const Graph& g, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.f, 1.f);
  std::vector<Tensor> out;
  for (ValueId x : g.inputs) {
    Tensor t{g.values[x].name, g.values[x].shape, {}};
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    t.data.resize(static_cast<size_t>(n));
    for (float& f : t.data) f = dist(rng);
    out.push_back(std::move(t));
  }
  return out;
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

// Runs head = `edge` then tail = the rest on `exec`, feeding tensors by name.
inline SplitRun run_split(profile::Executor& exec, const Graph& g, const std::vector<NodeId>& edge,
                          const std::vector<Tensor>& inputs) {
  SplitRun r;
  std::vector<Tensor> pool = inputs;
  const std::vector<NodeId> parts[2] = {edge, complement(g, edge)};
  for (int side = 0; side < 2; ++side) {
    const std::vector<NodeId>& part = parts[side];
    if (part.empty()) continue;
    auto id = exec.prepare(part);
    if (!id) {
      r.status = id.status();
      return r;
    }
    if (side == 1) r.crossing = static_cast<int>(exec.info(*id).inputs.size());
    std::vector<Tensor> outs;
    r.status = exec.run(*id, pool, &outs);
    if (!r.status.is_ok()) return r;
    for (auto& t : outs) pool.push_back(std::move(t));
  }
  for (ValueId x : g.outputs) {
    auto it =
        std::find_if(pool.begin(), pool.end(), [&](const Tensor& t) { return t.name == g.values[x].name; });
    if (it == pool.end()) {
      r.status = error(Code::kInternal, "graph output '{}' was not produced", g.values[x].name);
      return r;
    }
    r.outputs.push_back(*it);
  }
  return r;
}

inline float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return a.size() == b.size() ? m : INFINITY;
}

inline bool bit_identical(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

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
