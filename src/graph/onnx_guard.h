// Guarded ONNX schemas for shape inference of untrusted models.
//
// Debian's libonnx (1.12) divides by zero in convPoolShapeInference on a zero
// stride, and reads out of bounds there when
// a Conv-like node's input has no spatial dimension or its weight's rank
// differs from its input's, and in the data propagation of Shape / Size when
// their input has no type (its producer failed inference) (both found by
// fuzz/onnx_import_fuzz.cpp: SIGSEGVs inside InferShapes). This registry hands out the
// stock schemas, except that the operators listed in onnx_guard.cpp get their
// inference function wrapped by a check that fails cleanly (an ONNX
// InferenceError, which import_model turns into a Status) before the stock
// function runs, and Shape / Size skip data propagation for an untyped
// input. Thread-safe; the wrapped schemas are made once and live for
// the process.
#pragma once

#include <onnx/defs/schema.h>

namespace edgecut::graph {

const onnx::ISchemaRegistry* guarded_schema_registry();

}  // namespace edgecut::graph
