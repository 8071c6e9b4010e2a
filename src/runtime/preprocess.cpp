#include "runtime/preprocess.h"

#include <cmath>
#include <cstring>
#include <opencv2/imgproc.hpp>

#include "runtime/cv_guard.h"

namespace edgecut::runtime {

PreprocessOptions options_from(const task::Preprocess& p) {
  PreprocessOptions o;
  o.bgr_to_rgb = !p.bgr();
  o.scale = p.scale;
  o.mean = p.mean;
  o.std = p.std;
  o.channels = p.channel_count();
  o.alpha = p.alpha;
  o.resize = p.resize;
  return o;
}

Expected<InputGeometry> input_geometry(const graph::Value& input, const PreprocessOptions& options) {
  const auto& s = input.shape;
  const int64_t c = options.channels;
  InputGeometry g;
  if (c != 3 && c != 4)
    return error(Code::kInvalidArgument, "input '{}': {} channels (want 3 or 4)", input.name, c);
  if (s.size() == 4 && s[0] == 1 && s[1] == c) {
    g = {Layout::kNCHW, static_cast<int>(s[2]), static_cast<int>(s[3])};
  } else if (s.size() == 4 && s[0] == 1 && s[3] == c) {
    g = {Layout::kNHWC, static_cast<int>(s[1]), static_cast<int>(s[2])};
  } else {
    return error(Code::kUnsupported,
                 "input '{}' of shape {} is not a {}-channel image: want [1,{},H,W] or [1,H,W,{}]",
                 input.name, exec::shape_str(s), c, c, c);
  }
  // Bounded so that H*W*4 fits an int, which OpenCV's sizes are.
  constexpr int64_t kMaxSide = 1 << 14;
  const int64_t h = g.layout == Layout::kNCHW ? s[2] : s[1];
  const int64_t w = g.layout == Layout::kNCHW ? s[3] : s[2];
  if (h <= 0 || w <= 0 || h > kMaxSide || w > kMaxSide) {
    return error(Code::kUnsupported, "input '{}': image size {}x{} out of range", input.name, h, w);
  }
  return g;
}

Expected<InputGeometry> input_geometry(const graph::Value& input) { return input_geometry(input, {}); }

namespace {

Status check_options(const PreprocessOptions& o) {
  for (float s : o.std) {
    if (!(std::abs(s) > 0) || !std::isfinite(s))
      return error(Code::kInvalidArgument, "normalisation std {} is not usable", s);
  }
  return Status::ok();
}

// The frame resized to the input and in model channel order; continuous.
Expected<cv::Mat> resized_rgb(const cv::Mat& bgr, const InputGeometry& g, const PreprocessOptions& o,
                              const std::string& input_name) {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return error(Code::kInvalidArgument, "input '{}': frame must be 8-bit BGR (CV_8UC3), got type {} {}x{}",
                 input_name, bgr.type(), bgr.cols, bgr.rows);
  }
  // Every step writes a new Mat: the caller's frame is never written, even
  // when no resize is needed and the channel swap would otherwise run in place.
  cv::Mat out = bgr;
  EDGECUT_RETURN_IF_ERROR(guard_cv("resize for input '" + input_name + "'", Code::kInternal, [&] {
    if (out.cols != g.width || out.rows != g.height) {
      cv::Mat resized;
      const int interp = o.resize == task::Resize::kArea      ? cv::INTER_AREA
                         : o.resize == task::Resize::kNearest ? cv::INTER_NEAREST
                                                              : cv::INTER_LINEAR;
      cv::resize(out, resized, cv::Size(g.width, g.height), 0, 0, interp);
      out = resized;
    }
    if (o.channels == 4) {  // alpha 255 in the frame; normalise_uint8 puts the model's value there
      cv::Mat rgba;
      cv::cvtColor(out, rgba, o.bgr_to_rgb ? cv::COLOR_BGR2RGBA : cv::COLOR_BGR2BGRA);
      out = rgba;
    } else if (o.bgr_to_rgb) {
      cv::Mat rgb;
      cv::cvtColor(out, rgb, cv::COLOR_BGR2RGB);
      out = rgb;
    }
    if (!out.isContinuous()) out = out.clone();
  }));
  return out;
}

}  // namespace

Expected<exec::Tensor> to_uint8(const cv::Mat& bgr, const graph::Value& input,
                                const PreprocessOptions& options) {
  EDGECUT_ASSIGN_OR_RETURN(InputGeometry g, input_geometry(input, options));
  EDGECUT_ASSIGN_OR_RETURN(cv::Mat rgb, resized_rgb(bgr, g, options, input.name));
  EDGECUT_ASSIGN_OR_RETURN(exec::Tensor t, exec::Tensor::make(input.name, graph::DType::kUInt8, input.shape));
  uint8_t* dst = t.mutable_data();
  const uint8_t* src = rgb.ptr<uint8_t>();
  const size_t plane = static_cast<size_t>(g.height) * static_cast<size_t>(g.width);
  const size_t nc = static_cast<size_t>(options.channels);
  if (g.layout == Layout::kNHWC) {
    std::memcpy(dst, src, plane * nc);
    return t;
  }
  for (size_t i = 0; i < plane; ++i) {
    for (size_t c = 0; c < nc; ++c) dst[c * plane + i] = src[nc * i + c];
  }
  return t;
}

Expected<exec::Tensor> normalise_uint8(const exec::Tensor& frame, const graph::Value& input,
                                       const PreprocessOptions& options) {
  EDGECUT_ASSIGN_OR_RETURN(InputGeometry g, input_geometry(input, options));
  EDGECUT_RETURN_IF_ERROR(check_options(options));
  if (input.dtype != graph::DType::kFloat) {
    return error(Code::kUnsupported, "input '{}' is {}, not float32: feed it the uint8 frame instead",
                 input.name, graph::dtype_name(input.dtype));
  }
  if (frame.dtype() != graph::DType::kUInt8 || frame.shape() != input.shape) {
    return error(Code::kInvalidArgument, "input '{}': want a uint8 {} frame, got {} {}", input.name,
                 exec::shape_str(input.shape), graph::dtype_name(frame.dtype()),
                 exec::shape_str(frame.shape()));
  }
  // One table per channel: 256 divisions instead of one per pixel, and the
  // same float for the same byte wherever it is computed.
  float lut[4][256];
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      lut[c][v] = (static_cast<float>(v) * options.scale - options.mean[c]) / options.std[c];
    }
  }
  for (int v = 0; v < 256; ++v) lut[3][v] = options.alpha;  // a constant, whatever the frame carries
  EDGECUT_ASSIGN_OR_RETURN(exec::Tensor out,
                           exec::Tensor::make(input.name, graph::DType::kFloat, input.shape));
  const std::span<const uint8_t> src = frame.as<uint8_t>();
  const std::span<float> dst = out.as_mutable<float>();
  const size_t plane = static_cast<size_t>(g.height) * static_cast<size_t>(g.width);
  for (size_t i = 0; i < src.size(); ++i) {
    const size_t c = g.layout == Layout::kNCHW ? i / plane : i % static_cast<size_t>(options.channels);
    dst[i] = lut[c][src[i]];
  }
  return out;
}

Expected<exec::Tensor> preprocess(const cv::Mat& bgr, const graph::Value& input,
                                  const PreprocessOptions& options) {
  // Checked before the resize so a bad call costs nothing.
  EDGECUT_RETURN_IF_ERROR(check_options(options));
  if (input.dtype != graph::DType::kFloat) {
    return error(Code::kUnsupported, "input '{}' is {}, not float32: use to_uint8()", input.name,
                 graph::dtype_name(input.dtype));
  }
  EDGECUT_ASSIGN_OR_RETURN(exec::Tensor frame, to_uint8(bgr, input, options));
  return normalise_uint8(frame, input, options);
}

}  // namespace edgecut::runtime
