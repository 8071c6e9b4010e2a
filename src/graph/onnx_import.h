// ONNX import: file or ModelProto -> Graph (dense ids, shapes, bytes, FLOPs).
//
// Runs ONNX shape inference (with data propagation, so computed Reshape
// targets resolve) and requires a static shape for every activation value.
// Symbolic dimensions of graph inputs (an exported "batch" axis) are pinned to
// ImportOptions::batch before inference. Initializers, graph inputs that are
// also initializers, and outputs of nodes that read only weights (Constant,
// Identity of an initializer, ...) become weights; such nodes leave the
// compute DAG (Graph::constant_nodes) since both sides can compute them. Control-flow ops (If / Loop / Scan) are refused.
// Never crashes on malformed input: every failure is a Status naming the file
// and the node or value at fault. O(file size + V + E) plus shape inference.
#pragma once

#include <cstdint>
#include <string>

#include <onnx/onnx_pb.h>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::graph {

struct ImportOptions {
  int64_t batch = 1;                              // value for symbolic input dims
  int64_t max_file_bytes = int64_t{2} << 30;      // protobuf's own ceiling is 2 GiB
};

// The shape-inferred protobuf (engines cut sub-models out of it) and its Graph.
struct Model {
  onnx::ModelProto proto;
  Graph graph;
};

Expected<Model> load_model(const std::string& path, const ImportOptions& options = {});
// `label` names the model in error messages (a path, or "zoo:resnet50").
Expected<Model> import_model(onnx::ModelProto proto, const std::string& label,
                             const ImportOptions& options = {});

}  // namespace edgecut::graph
