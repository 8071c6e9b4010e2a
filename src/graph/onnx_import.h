// ONNX import: file or ModelProto -> Graph (dense ids, shapes, bytes, FLOPs).
//
// Runs ONNX shape inference (with data propagation, so computed Reshape
// targets resolve) and requires a static shape for every activation value.
// Symbolic dimensions of graph inputs are bound before inference: an input
// named in ImportOptions::input_shapes takes that shape (`--input-shape
// NAME=1x3x640x640`); otherwise a symbolic leading (batch) dim is pinned to
// ImportOptions::batch, and any other symbol is refused, naming the symbol and
// the input with a hint. Initializers, graph inputs that are
// also initializers, and outputs of nodes that read only weights (Constant,
// Identity of an initializer, ...) become weights; such nodes leave the
// compute DAG (Graph::constant_nodes) since both sides can compute them. Control-flow ops (If / Loop / Scan)
// are refused. Never crashes on malformed input: every failure is a Status naming the file and the node or
// value at fault. O(file size + V + E) plus shape inference.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::graph {

struct ImportOptions {
  int64_t batch = 1;  // value for a symbolic leading input dim
  // Full static shapes for graph inputs by name; each must name an input of
  // the model, have its rank and agree with its static dims.
  std::map<std::string, std::vector<int64_t>> input_shapes;
  int64_t max_file_bytes = int64_t{2} << 30;  // protobuf's own ceiling is 2 GiB
  // When set, an import that fails because static inference left value shapes
  // unknown lists those values here (engine/shape_probe.h resolves them by
  // running the model).
  std::vector<std::string>* unresolved = nullptr;
};

// The shape-inferred protobuf (engines cut sub-models out of it) and its Graph.
struct Model {
  onnx::ModelProto proto;
  Graph graph;
  // Values whose shape came from running the model (engine/shape_probe.h),
  // not from static inference; 0 for a statically inferred model.
  int shapes_from_run = 0;
};

Expected<Model> load_model(const std::string& path, const ImportOptions& options = {});
// The file's protobuf, checked (size limit, parse, external data), not imported.
Expected<onnx::ModelProto> read_model_file(const std::string& path, const ImportOptions& options = {});
// Binds the graph inputs' symbolic dims as import_model does (input_shapes,
// then a leading batch dim; other symbols refused). For engines that run the
// raw model before import (shapes by execution).
Status bind_input_shapes(onnx::ModelProto* proto, const std::string& label, const ImportOptions& options);
// `label` names the model in error messages (a path, or "zoo:resnet50").
Expected<Model> import_model(onnx::ModelProto proto, const std::string& label,
                             const ImportOptions& options = {});

}  // namespace edgecut::graph
