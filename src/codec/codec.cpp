#include "codec/codec.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace edgecut::codec {

uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mant = x & 0x7fffffu;
  const int32_t exp = static_cast<int32_t>((x >> 23) & 0xffu);
  if (exp == 255) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0u));  // inf / nan
  const int32_t e = exp - 127 + 15;
  if (e >= 31) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow: inf
  if (e <= 0) {                                               // half subnormal or zero
    if (e < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    const int shift = 14 - e;
    uint32_t h = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (h & 1u))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = sign | (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;  // a carry into the exponent is right
  return static_cast<uint16_t>(h);
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  uint32_t x;
  if (exp == 0) {
    const float f = static_cast<float>(mant) * (1.0f / 16777216.0f);  // 2^-24
    std::memcpy(&x, &f, 4);
    x |= sign;
  } else if (exp == 31) {
    x = sign | 0x7f800000u | (mant << 13);
  } else {
    x = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

Params int8_params(std::span<const float> values) {
  float lo = 0, hi = 0;  // the range always holds 0, so 0 is exact (as ONNX quantisers do)
  for (float v : values) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  Params p;
  p.scale = (hi - lo) / 255.0f;
  if (!(p.scale > 0) || !std::isfinite(p.scale)) return {1.0f, 0};
  const long zp = std::lround(-128.0 - static_cast<double>(lo) / p.scale);
  p.zero_point = static_cast<int32_t>(std::clamp(zp, -128L, 127L));
  return p;
}

namespace {

// Per-channel lookup: byte u -> (u * scale - mean) / std, the same floats as
// runtime/preprocess's normalise_uint8.
struct ImageLut {
  float v[3][256];
  explicit ImageLut(const ImageNorm& n) {
    for (int c = 0; c < 3; ++c) {
      for (int u = 0; u < 256; ++u) v[c][u] = (static_cast<float>(u) * n.scale - n.mean[c]) / n.std[c];
    }
  }
};

size_t channel_of(size_t i, const ImageShape& g) {
  const size_t plane = static_cast<size_t>(g.height * g.width);
  return g.nchw ? i / plane : i % 3;
}

Status check_norm(const ImageNorm& n) {
  for (int c = 0; c < 3; ++c) {
    if (!std::isfinite(n.std[c]) || n.std[c] == 0 || !std::isfinite(n.mean[c]) || !(n.scale > 0)) {
      return error(Code::kInvalidArgument, "image normalisation (scale {}, mean {}, std {}) is not usable",
                   n.scale, n.mean[c], n.std[c]);
    }
  }
  return Status::ok();
}

Expected<std::string> frame_bytes(const exec::Tensor& t, const ImageNorm& n) {
  EDGECUT_ASSIGN_OR_RETURN(ImageShape g, image_shape(t.shape(), t.name()));
  EDGECUT_RETURN_IF_ERROR(check_norm(n));
  const auto x = t.as<float>();
  std::string out(x.size(), '\0');
  for (size_t i = 0; i < x.size(); ++i) {
    const size_t c = channel_of(i, g);
    const float u = (x[i] * n.std[c] + n.mean[c]) / n.scale;
    out[i] = static_cast<char>(std::isfinite(u) ? std::clamp(std::lrintf(u), 0L, 255L) : 0L);
  }
  return out;
}

Expected<std::string> base_bytes(const exec::Tensor& t, const Encoding& e, const ImageNorm& n, Params* p) {
  const auto x = t.as<float>();
  std::string out;
  switch (e.base) {
    case Base::kFp32:
      out.assign(reinterpret_cast<const char*>(t.data()), t.bytes());
      break;
    case Base::kFp16:
      out.resize(x.size() * 2);
      for (size_t i = 0; i < x.size(); ++i) {
        const uint16_t h = float_to_half(x[i]);
        std::memcpy(out.data() + 2 * i, &h, 2);
      }
      break;
    case Base::kInt8: {
      for (size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]))
          return error(Code::kInvalidArgument, "tensor '{}': element {} is {}; int8 needs finite values",
                       t.name(), i, x[i]);
      }
      *p = int8_params(x);
      const float inv = 1.0f / p->scale;
      out.resize(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        const long q = std::lrintf(x[i] * inv) + p->zero_point;
        out[i] = static_cast<char>(static_cast<int8_t>(std::clamp(q, -128L, 127L)));
      }
      break;
    }
    case Base::kUint8:
      return frame_bytes(t, n);
    case Base::kJpeg: {
      EDGECUT_ASSIGN_OR_RETURN(std::string frame, frame_bytes(t, n));
      EDGECUT_ASSIGN_OR_RETURN(ImageShape g, image_shape(t.shape(), t.name()));
      return jpeg_encode(reinterpret_cast<const uint8_t*>(frame.data()), g, e.quality, t.name());
    }
  }
  return out;
}

}  // namespace

Expected<Encoded> encode(const exec::Tensor& t, const Encoding& e, const ImageNorm& norm) {
  if (t.dtype() != graph::DType::kFloat) {
    return error(Code::kInvalidArgument, "tensor '{}' is {}; encodings apply to float32 tensors", t.name(),
                 graph::dtype_name(t.dtype()));
  }
  Encoded out{t.name(), e, t.shape(), {}, 0, {}, norm};
  EDGECUT_ASSIGN_OR_RETURN(std::string base, base_bytes(t, e, norm, &out.params));
  out.base_bytes = static_cast<int64_t>(base.size());
  out.payload = e.pack == Pack::kNone
                    ? std::move(base)
                    : compress(e.pack, reinterpret_cast<const uint8_t*>(base.data()), base.size());
  return out;
}

namespace {

Status check_params(const EncodedView& in) {
  const Params& p = in.params;
  if (!std::isfinite(p.scale) || !(p.scale > 0) || p.zero_point < -128 || p.zero_point > 127) {
    return error(
        Code::kInvalidArgument,
        "tensor '{}' ({}): scale {} and zero point {} are not valid int8 parameters (want a finite scale > 0 "
        "and a zero point in -128..127)",
        in.name, in.encoding.name(), p.scale, p.zero_point);
  }
  return Status::ok();
}

// Expands n base elements at `src` (possibly the tail of `dst`) into floats at
// `dst`, front to back: element i is read before float i is written, and a
// later element lies at or after the end of float i, so in place is safe.
void expand(const EncodedView& in, const uint8_t* src, uint8_t* dst, size_t n, const ImageNorm& norm,
            const ImageShape& g) {
  switch (in.encoding.base) {
    case Base::kFp32:
      std::memmove(dst, src, n * 4);
      return;
    case Base::kFp16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        const float f = half_to_float(h);
        std::memcpy(dst + 4 * i, &f, 4);
      }
      return;
    case Base::kInt8:
      for (size_t i = 0; i < n; ++i) {
        const auto q = static_cast<int8_t>(src[i]);
        const float f = static_cast<float>(q - in.params.zero_point) * in.params.scale;
        std::memcpy(dst + 4 * i, &f, 4);
      }
      return;
    case Base::kUint8:
    case Base::kJpeg: {
      const ImageLut lut(norm);
      for (size_t i = 0; i < n; ++i) {
        const float f = lut.v[channel_of(i, g)][src[i]];
        std::memcpy(dst + 4 * i, &f, 4);
      }
      return;
    }
  }
}

}  // namespace

Expected<exec::Tensor> decode(const EncodedView& in, const ImageNorm& norm, const DecodeLimits& limits) {
  const Encoding& e = in.encoding;
  const int64_t n = exec::element_count(in.shape);
  if (n < 0 || n > limits.max_tensor_bytes / 4) {
    return error(Code::kInvalidArgument,
                 "tensor '{}': shape {} is negative or over the size limit ({} bytes)", in.name,
                 shape_str(in.shape), limits.max_tensor_bytes);
  }
  const size_t base = static_cast<size_t>(n) * static_cast<size_t>(e.base_bytes());
  if (e.pack == Pack::kNone && e.base != Base::kJpeg && in.size != base) {
    return error(Code::kInvalidArgument, "tensor '{}' ({}): payload holds {} bytes, but {} elements need {}",
                 in.name, e.name(), in.size, n, base);
  }
  if (e.base == Base::kFp32 && e.pack == Pack::kNone) {
    return exec::Tensor::view(in.name, graph::DType::kFloat, in.shape, in.data, in.size, in.owner);
  }
  ImageShape g;
  if (e.image_only()) {
    EDGECUT_ASSIGN_OR_RETURN(g, image_shape(in.shape, in.name));
    EDGECUT_RETURN_IF_ERROR(check_norm(norm));
  }
  if (e.base == Base::kInt8) EDGECUT_RETURN_IF_ERROR(check_params(in));
  if (e.base == Base::kJpeg && in.size > static_cast<size_t>(limits.max_tensor_bytes)) {
    return error(Code::kInvalidArgument, "tensor '{}': JPEG of {} bytes is over the limit {}", in.name,
                 in.size, limits.max_tensor_bytes);
  }
  EDGECUT_ASSIGN_OR_RETURN(exec::Tensor out, exec::Tensor::make(in.name, graph::DType::kFloat, in.shape));
  uint8_t* dst = out.mutable_data();
  const size_t n_el = static_cast<size_t>(n);
  uint8_t* tail = dst + n_el * 4 - (e.base == Base::kJpeg ? n_el : base);
  const uint8_t* src = static_cast<const uint8_t*>(in.data);
  if (e.base == Base::kJpeg) {
    EDGECUT_RETURN_IF_ERROR(jpeg_decode(in.data, in.size, g, tail, in.name));
    src = tail;
  } else if (e.pack != Pack::kNone) {
    EDGECUT_RETURN_IF_ERROR(decompress(e.pack, in.data, in.size, tail, base, in.name));
    src = tail;
  }
  expand(in, src, dst, n_el, norm, g);
  return out;
}

Expected<exec::Tensor> decode(const Encoded& in, const ImageNorm& norm, const DecodeLimits& limits) {
  EncodedView v{in.name, in.encoding, in.shape, in.params, in.payload.data(), in.payload.size(), nullptr};
  EDGECUT_ASSIGN_OR_RETURN(exec::Tensor t, decode(v, norm, limits));
  return t.owned() ? t : t.clone();
}

}  // namespace edgecut::codec
