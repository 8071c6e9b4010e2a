// Encoding: how one tensor that crosses the cut is turned into bytes on the
// wire (docs/design.md, "Tensor encodings").
//
// Models the names the CLI, plans, calibration files and the wire use:
//   fp32, fp16, int8        a base representation of a float32 tensor
//                           (int8: affine per tensor, scale and zero point
//                           computed per frame and sent with the tensor);
//   +zstd, +lz4             optionally followed by a lossless coder;
//   uint8, jpegQ            only for the camera-frame input: the frame's
//                           bytes (normalised on the cloud), or a JPEG of it
//                           at quality Q in 1..100 (no lossless coder after).
// parse_encoding() is the one parser; name() prints what it parses.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace edgecut::codec {

enum class Base : uint8_t { kFp32, kFp16, kInt8, kUint8, kJpeg };
enum class Pack : uint8_t { kNone, kZstd, kLz4 };

struct Encoding {
  Base base = Base::kFp32;
  Pack pack = Pack::kNone;
  int quality = 0;  // jpeg only: 1..100

  std::string name() const;
  // uint8 and jpeg apply only to an image input (the camera frame).
  bool image_only() const { return base == Base::kUint8 || base == Base::kJpeg; }
  // Decoding gives back exactly the float32 tensor that was encoded.
  bool lossless() const { return base == Base::kFp32; }
  // Bytes per element of the base representation (jpeg: 0, variable).
  int base_bytes() const;
  bool operator==(const Encoding&) const = default;
};

// "fp32", "fp16+zstd", "int8+lz4", "uint8", "jpeg90", ... Errors name the text.
Expected<Encoding> parse_encoding(std::string_view text);

// Parses a comma list for `--encodings` ("fp32,fp16,int8,zstd,lz4,uint8,jpeg"):
// a base name allows that base; "zstd" / "lz4" allow every allowed base
// followed by that coder; "jpeg" alone means jpeg at `jpeg_qualities`.
// The result always holds fp32 (the exact fallback every tensor can use).
Expected<std::vector<Encoding>> parse_encoding_list(std::string_view list,
                                                    const std::vector<int>& jpeg_qualities = {50, 70, 90});

// How an image input's floats relate to the frame's bytes u (0..255):
//   x = (u * scale - mean[c]) / std[c]  per channel c
// (runtime/preprocess's normalisation). The channel axis is the one of size 3
// in a [1,3,H,W] (NCHW) or [1,H,W,3] (NHWC) shape.
struct ImageNorm {
  float scale = 1.0f / 255.0f;
  std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};
  std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
};

// Image geometry of a shape: true and (nchw, h, w) for [1,3,H,W] / [1,H,W,3].
struct ImageShape {
  bool nchw = true;
  int64_t height = 0;
  int64_t width = 0;
};
Expected<ImageShape> image_shape(const std::vector<int64_t>& shape, const std::string& tensor);

}  // namespace edgecut::codec
