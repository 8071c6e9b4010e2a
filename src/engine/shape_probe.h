// Shapes by execution: ONNX static shape inference cannot resolve some value
// shapes (a Reshape whose target comes from Shape / Gather / Concat, a Slice
// with computed bounds). Engines resolve them by running the model; so does
// this: the model runs once on ONNX Runtime with zero inputs (input shapes
// bound as the import binds them), every value whose shape is unknown is
// requested as an output, and the shapes it had are written into the model's
// value_info before the import proper. Byte sizes, FLOPs and cut vertices then
// come from those shapes; Model::shapes_from_run says how many were found so
// (`edgecut inspect` prints a note).
//
// The shapes hold for the bound input shapes only (a model whose shapes depend
// on input values, not shapes, is outside what edgecut can plan anyway).
// Lives in engine/ because graph/ must not depend on an engine.
#pragma once

#include <string>

#include "common/status.h"
#include "graph/onnx_import.h"

namespace edgecut::engine {

// graph::import_model, and when it fails only because static inference left
// value shapes unknown, the run above then the import again. Without ONNX
// Runtime in the build, the static import's error with a hint. Cost: one
// session creation and one run of the model (ORT_DISABLE_ALL, 1 thread).
Expected<graph::Model> import_resolving_shapes(onnx::ModelProto proto, const std::string& label,
                                               const graph::ImportOptions& options);

}  // namespace edgecut::engine
