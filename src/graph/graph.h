// Graph: a DNN as a DAG of operators (nodes) joined by tensors (values).
//
// Models an ONNX graph after import: dense integer ids 0..N-1 for nodes and
// 0..M-1 for values, everything else in side arrays indexed by id. Weights
// (initializers, Constant outputs, and outputs of nodes that read only weights)
// are values with is_weight = true and producer = -1; they exist on both edge
// and cloud and never cross the network, so the nodes that make them are not
// compute nodes: they are listed in `constant_nodes`, not in `nodes`.
// Activation values with producer = -1 are graph inputs (produced on the edge).
//
// Invariants after import (checked by validate()):
//   - every id is in range, producer/consumer lists agree with node in/outputs;
//   - `topo` is a topological order of all nodes (the graph is acyclic);
//   - every activation value has a known shape and byte size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut::graph {

using NodeId = int32_t;
using ValueId = int32_t;
inline constexpr NodeId kNoNode = -1;

// ONNX TensorProto element types we can size. Values with other types are
// rejected on import with the value's name.
enum class DType : int32_t {
  kUnknown = 0,
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kBFloat16 = 16,
};
// Bytes per element, 0 for unknown / unsupported.
int dtype_size(DType t);
const char* dtype_name(DType t);

struct Node {
  std::string name;              // unique; ONNX node name, or "<op>_<index>" if unnamed
  std::string op;                // ONNX op_type
  std::vector<ValueId> inputs;   // in ONNX order; weights included; empty optional inputs dropped
  std::vector<ValueId> outputs;  // in ONNX order
};

struct Value {
  std::string name;
  DType dtype = DType::kUnknown;
  std::vector<int64_t> shape;  // static shape; dynamic dims are rejected on import
  int64_t bytes = 0;           // elements * dtype_size
  NodeId producer = kNoNode;
  std::vector<NodeId> consumers;  // distinct, ascending
  bool is_weight = false;
};

class Graph {
 public:
  std::string name;         // graph name from the file, or the file stem
  std::string source_path;  // file it came from ("" if built in memory)
  std::vector<Node> nodes;
  std::vector<Value> values;
  std::vector<ValueId> inputs;              // activation graph inputs (not weights)
  std::vector<ValueId> outputs;             // graph outputs
  std::vector<NodeId> topo;                 // topological order of all nodes
  std::vector<double> flops;                // per node: multiply-adds counted as 2 FLOPs
  std::vector<std::string> constant_nodes;  // ONNX nodes folded into weights (read only weights)

  int num_nodes() const { return static_cast<int>(nodes.size()); }
  int num_values() const { return static_cast<int>(values.size()); }

  // Activation inputs of node v (weights skipped), without duplicates.
  std::vector<ValueId> activation_inputs(NodeId v) const;
  // Distinct successor nodes of v through its activation outputs.
  std::vector<NodeId> successors(NodeId v) const;
  // Bytes of all weights: what each side holds, and what one prepared
  // segment copies (profile and eval bound their memory by it). O(M).
  int64_t weight_bytes() const;

  // Fills `topo` and consumer lists from nodes/values (Kahn's algorithm,
  // ties broken by ONNX file order so results are deterministic). Fails on a
  // cycle, naming a node on it. O(V + E).
  Status finalize();
  Status validate() const;

  // FNV-1a over op types, value names, shapes and edges: identifies the
  // model's structure for profiles and plans (weights are not hashed).
  std::string structure_hash() const;
};

}  // namespace edgecut::graph
