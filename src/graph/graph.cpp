#include "graph/graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <queue>

#include "common/hash.h"

namespace edgecut::graph {

int dtype_size(DType t) {
  switch (t) {
    case DType::kFloat:
      return 4;
    case DType::kUInt8:
      return 1;
    case DType::kInt8:
      return 1;
    case DType::kUInt16:
      return 2;
    case DType::kInt16:
      return 2;
    case DType::kInt32:
      return 4;
    case DType::kInt64:
      return 8;
    case DType::kBool:
      return 1;
    case DType::kFloat16:
      return 2;
    case DType::kDouble:
      return 8;
    case DType::kUInt32:
      return 4;
    case DType::kUInt64:
      return 8;
    case DType::kBFloat16:
      return 2;
    case DType::kUnknown:
      return 0;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kFloat:
      return "float32";
    case DType::kUInt8:
      return "uint8";
    case DType::kInt8:
      return "int8";
    case DType::kUInt16:
      return "uint16";
    case DType::kInt16:
      return "int16";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
    case DType::kBool:
      return "bool";
    case DType::kFloat16:
      return "float16";
    case DType::kDouble:
      return "float64";
    case DType::kUInt32:
      return "uint32";
    case DType::kUInt64:
      return "uint64";
    case DType::kBFloat16:
      return "bfloat16";
    case DType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::vector<ValueId> Graph::activation_inputs(NodeId v) const {
  std::vector<ValueId> out;
  for (ValueId x : nodes[v].inputs) {
    if (!values[x].is_weight && std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
  }
  return out;
}

std::vector<NodeId> Graph::successors(NodeId v) const {
  std::vector<NodeId> out;
  for (ValueId x : nodes[v].outputs) {
    for (NodeId w : values[x].consumers) out.push_back(w);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int64_t Graph::weight_bytes() const {
  int64_t b = 0;
  for (const Value& v : values) {
    if (v.is_weight) b += v.bytes;
  }
  return b;
}

Status Graph::finalize() {
  const int n = num_nodes();
  for (Value& x : values) {
    x.consumers.clear();
    x.producer = kNoNode;
  }
  for (NodeId v = 0; v < n; ++v) {
    for (ValueId x : nodes[v].outputs) {
      if (x < 0 || x >= num_values()) {
        return error(Code::kInternal, "node '{}' has output id {} out of range", nodes[v].name, x);
      }
      if (values[x].producer != kNoNode) {
        return error(Code::kParseError, "value '{}' is produced by two nodes, '{}' and '{}'", values[x].name,
                     nodes[values[x].producer].name, nodes[v].name);
      }
      values[x].producer = v;
    }
  }
  for (NodeId v = 0; v < n; ++v) {
    for (ValueId x : nodes[v].inputs) {
      if (x < 0 || x >= num_values()) {
        return error(Code::kInternal, "node '{}' has input id {} out of range", nodes[v].name, x);
      }
      auto& c = values[x].consumers;
      if (c.empty() || c.back() != v) c.push_back(v);
    }
  }
  // Kahn's algorithm with a min-heap on node id: deterministic, file order first.
  std::vector<int> indeg(n, 0);
  for (NodeId v = 0; v < n; ++v) {
    for (ValueId x : activation_inputs(v)) {
      if (values[x].producer != kNoNode) ++indeg[v];
    }
  }
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
  for (NodeId v = 0; v < n; ++v) {
    if (indeg[v] == 0) ready.push(v);
  }
  topo.clear();
  topo.reserve(n);
  while (!ready.empty()) {
    NodeId v = ready.top();
    ready.pop();
    topo.push_back(v);
    for (ValueId x : nodes[v].outputs) {
      if (values[x].is_weight) continue;
      for (NodeId w : values[x].consumers) {
        // A node may read the same value twice; activation_inputs() deduplicates, so do we.
        if (--indeg[w] == 0) ready.push(w);
      }
    }
  }
  if (static_cast<int>(topo.size()) != n) {
    for (NodeId v = 0; v < n; ++v) {
      if (indeg[v] > 0) {
        return error(Code::kParseError, "graph has a cycle through node '{}' ({})", nodes[v].name,
                     nodes[v].op);
      }
    }
  }
  if (flops.size() != nodes.size()) flops.resize(nodes.size(), 0.0);
  return Status::ok();
}

Status Graph::validate() const {
  if (static_cast<int>(topo.size()) != num_nodes()) {
    return error(Code::kFailedPrecondition, "graph '{}' is not finalized", name);
  }
  for (const Value& x : values) {
    if (!x.is_weight && x.bytes <= 0 && !x.consumers.empty()) {
      return error(Code::kFailedPrecondition, "value '{}' has no known size", x.name);
    }
  }
  return Status::ok();
}

std::string Graph::structure_hash() const {
  Fnv1a h;
  for (const Node& v : nodes) {
    h.update(v.op).update(v.name);
    for (ValueId x : v.inputs) h.update_pod(x);
    for (ValueId x : v.outputs) h.update_pod(x);
  }
  for (const Value& x : values) h.update(x.name).update_pod(x.bytes);
  return h.hex();
}

}  // namespace edgecut::graph
