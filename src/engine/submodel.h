// Segments of a model and the ONNX sub-models that run them.
//
// A segment is a set of compute nodes of a graph::Model (a plan's head, its
// complement the tail, a block between cut vertices, one node...). Its inputs
// are the activations it reads but does not produce; its outputs are the
// activations it produces that are read outside it or are graph outputs.
// extract_submodel() turns a segment into a self-contained onnx::ModelProto:
// exactly the segment's nodes, only the weights they use (folded constant
// nodes they depend on are carried along), inputs with the static shapes of
// shape inference, and the segment's outputs. clean_for_opencv() then rewrites
// what OpenCV DNN 4.6's importer cannot read (docs/design.md, "Engine facts").
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "graph/onnx_import.h"
#include "graph/segment.h"

namespace edgecut::engine {

// Name given to graph node v inside every sub-model. Short, unique, and free of
// '.', which OpenCV reads as a "layer.output" separator in forward() names.
std::string submodel_node_name(graph::NodeId v);
// Inverse of submodel_node_name (also accepts OpenCV's "onnx_node!" prefix);
// kNoNode when `name` is not one of ours.
graph::NodeId parse_submodel_node_name(const std::string& name);

// Builds the sub-model of segment `seg` (from describe_segment). Keeps the
// original value names, so tensors are matched by name across segments.
// Compute nodes are renamed submodel_node_name(id); folded constant nodes
// needed for the segment's weights are included (named "const_<k>").
// Fails (kUnsupported) when the segment is empty. O(model size).
Expected<onnx::ModelProto> extract_submodel(const graph::Model& model, const graph::SegmentInfo& seg);

// What clean_for_opencv() did, for logs and tests.
struct CleanupReport {
  int constants_to_initializers = 0;  // Constant node -> initializer
  int identities_of_weights = 0;      // Identity(initializer) -> initializer copy
  int clip_bounds_to_attributes = 0;  // Clip(x, min, max) -> Clip(x) {min, max}
  int unused_initializers_dropped = 0;
};

// Rewrites importer pitfalls of OpenCV DNN 4.6 in place (iterated to a fixed
// point, so chains like Constant -> Identity -> Clip resolve):
//   - Constant nodes become initializers (OpenCV reads them, but the rules
//     below only see initializers);
//   - Identity of an initializer fails to import: the initializer is copied
//     under the Identity's output name and the node dropped;
//   - Clip with min / max as inputs (opset >= 11) fails: constant scalar bounds
//     move to the opset-6 "min" / "max" attributes, which OpenCV reads;
//   - initializers nobody reads are dropped (smaller buffers to parse).
// The result is meant for OpenCV only (Clip attributes are not valid opset 13).
// Fails (kUnsupported) on a Clip whose bounds are not constant scalars.
Status clean_for_opencv(onnx::ModelProto* model, CleanupReport* report = nullptr);

}  // namespace edgecut::engine
