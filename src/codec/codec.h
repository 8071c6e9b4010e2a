// Codec: encode a float32 tensor for the wire and decode it on the other side
// (docs/design.md, "Tensor encodings").
//
// Models one crossing tensor: encode() turns an exec::Tensor into an Encoded
// (payload bytes + the per-frame parameters the decoder needs: int8's scale
// and zero point); decode() validates and inverts it. The payload is a
// std::string so that it can be moved into a gRPC message without a copy.
// Decoding writes straight into the output tensor: a lossless coder
// decompresses into the tail of the float32 buffer and fp16 / int8 expand in
// place front to back; plain fp32 becomes a view of the payload (no copy).
//
// Decoders trust nothing: the payload size is checked against the shape and
// the encoding, a compressed payload's declared size and bound before any
// allocation, int8 parameters for finiteness and range, a JPEG's header
// dimensions before it is decoded. Errors name the tensor and what is wrong.
// Complexity: O(elements) both ways (+ the coder's own cost).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec/encoding.h"
#include "common/status.h"
#include "exec/tensor.h"

namespace edgecut::codec {

// int8's affine parameters: x = (q - zero_point) * scale (ONNX DequantizeLinear).
struct Params {
  float scale = 0;
  int32_t zero_point = 0;
};

struct Encoded {
  std::string name;
  Encoding encoding;
  std::vector<int64_t> shape;  // the decoded (float32) tensor's shape
  Params params;               // int8 only
  int64_t base_bytes = 0;      // payload size before the lossless coder (jpeg: payload size)
  std::string payload;         // what goes on the wire
  ImageNorm norm;              // uint8 / jpeg: the normalisation encode() inverted (the decoder redoes it)
};

// Encodes a float32 tensor. uint8 / jpeg need an image shape and `norm`.
// Fails on a non-float32 tensor, a non-image shape for an image-only
// encoding, and non-finite values for int8.
Expected<Encoded> encode(const exec::Tensor& t, const Encoding& e, const ImageNorm& norm = {});

struct DecodeLimits {
  int64_t max_tensor_bytes = 256ll << 20;  // decoded float32 size
};

// What arrived: the payload stays alive while `owner` is (or while the caller
// guarantees it, with a null owner); fp32 without a coder decodes to a view.
struct EncodedView {
  std::string name;
  Encoding encoding;
  std::vector<int64_t> shape;
  Params params;
  const void* data = nullptr;
  size_t size = 0;
  std::shared_ptr<const void> owner;
};

Expected<exec::Tensor> decode(const EncodedView& in, const ImageNorm& norm = {},
                              const DecodeLimits& limits = {});
// Convenience: decode an Encoded (the payload is copied where it is viewed).
Expected<exec::Tensor> decode(const Encoded& in, const ImageNorm& norm = {}, const DecodeLimits& limits = {});

// The int8 parameters encode() picks for `values`: the range [min, max] widened
// to hold 0, mapped onto -128..127.
Params int8_params(std::span<const float> values);

// fp16 <-> fp32, round to nearest even (exposed for tests and the ONNX tail).
uint16_t float_to_half(float f);
float half_to_float(uint16_t h);

// Lossless coders on bytes (pack.cpp). decompress() checks `size` against
// the coder's bound for `raw_bytes` and the declared size before writing, and
// fails unless exactly raw_bytes come out.
std::string compress(Pack p, const uint8_t* data, size_t n);
Status decompress(Pack p, const void* data, size_t size, uint8_t* out, size_t raw_bytes,
                  const std::string& tensor);

// JPEG (jpeg.cpp): an image-shaped uint8 tensor (model layout) <-> JPEG bytes.
Expected<std::string> jpeg_encode(const uint8_t* frame, const ImageShape& g, int quality,
                                  const std::string& tensor);
// Decodes into `out` (g.height * g.width * 3 bytes, model layout) after
// checking that the header's size and channels match `g`.
Status jpeg_decode(const void* data, size_t size, const ImageShape& g, uint8_t* out,
                   const std::string& tensor);

}  // namespace edgecut::codec
