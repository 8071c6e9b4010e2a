// Exported tails that accept encoded tensors (docs/design.md, "Tensor
// encodings"): a tail input sent as fp16, int8 or uint8 keeps its name but
// takes the encoded type, and the decoding runs inside the model as ONNX ops,
// so a foreign server (Triton + ONNX Runtime) takes the same bytes as
// `edgecut serve`:
//   fp16   Cast(to FLOAT)
//   int8   DequantizeLinear(x, x_scale, x_zero_point): the per-frame scale and
//          zero point, parameters on edgecut's wire, become two scalar inputs
//          "<x>_scale" (FP32) and "<x>_zero_point" (INT8)
//   uint8  Cast, Mul(scale), Sub(mean), Div(std) per channel (the image input)
// zstd / lz4 / jpeg cannot be expressed: ONNX has no decompression or image
// decoding operator; such a tail is refused with an error that says so.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "codec/encoding.h"
#include "common/status.h"

namespace edgecut::runtime {

// A Triton input: name, data type ("TYPE_INT8") and dims.
struct TailInput {
  std::string name;
  std::string triton_type;
  std::vector<int64_t> dims;
};

// Rewrites `model`'s graph input `name` to accept `e` (fp32: unchanged) and
// appends the inputs the exported tail then has to `inputs` (replacing the
// entry for `name`). Fails on a missing input, an opset below 10 for int8, or
// an encoding ONNX cannot decode.
Status accept_encoding(onnx::ModelProto* model, const std::string& name, const codec::Encoding& e,
                       std::vector<TailInput>* inputs);

}  // namespace edgecut::runtime
