// JPEG for the camera-frame input, through OpenCV's imencode / imdecode
// (libjpeg-turbo underneath on Debian). The frame is in model channel order,
// RGB by the preprocessing default; OpenCV's codec expects BGR, so the
// channels are reversed while interleaving (a copy NCHW needs anyway).
#include <opencv2/imgcodecs.hpp>

#include "codec/codec.h"

namespace edgecut::codec {
namespace {

struct JpegHeader {
  int height = 0;
  int width = 0;
  int components = 0;
};

// Walks the marker segments up to the first start-of-frame. Bounds-checked;
// never reads past `size`.
Expected<JpegHeader> read_header(const uint8_t* p, size_t size, const std::string& tensor) {
  const auto bad = [&](const char* why) {
    return error(Code::kInvalidArgument, "tensor '{}': not a usable JPEG ({})", tensor, why);
  };
  if (size < 4 || p[0] != 0xFF || p[1] != 0xD8) return bad("no SOI marker");
  size_t i = 2;
  while (i + 4 <= size) {
    if (p[i] != 0xFF) return bad("marker expected");
    const uint8_t m = p[i + 1];
    if (m == 0xFF) {
      ++i;  // fill byte
      continue;
    }
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      i += 2;
      continue;
    }
    const size_t len = static_cast<size_t>(p[i + 2]) << 8 | p[i + 3];
    if (len < 2 || i + 2 + len > size) return bad("segment runs past the end");
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (len < 8) return bad("short frame header");
      JpegHeader h;
      h.height = p[i + 5] << 8 | p[i + 6];
      h.width = p[i + 7] << 8 | p[i + 8];
      h.components = p[i + 9];
      return h;
    }
    if (m == 0xD9 || m == 0xDA) break;  // end of image / scan before any frame header
    i += 2 + len;
  }
  return bad("no frame header");
}

}  // namespace

Expected<std::string> jpeg_encode(const uint8_t* frame, const ImageShape& g, int quality,
                                  const std::string& tensor) {
  const int h = static_cast<int>(g.height), w = static_cast<int>(g.width);
  cv::Mat bgr(h, w, CV_8UC3);
  const size_t plane = static_cast<size_t>(h) * static_cast<size_t>(w);
  uint8_t* d = bgr.ptr<uint8_t>();
  for (size_t i = 0; i < plane; ++i) {
    for (size_t c = 0; c < 3; ++c) d[3 * i + 2 - c] = g.nchw ? frame[c * plane + i] : frame[3 * i + c];
  }
  std::vector<uint8_t> buf;
  try {
    if (!cv::imencode(".jpg", bgr, buf, {cv::IMWRITE_JPEG_QUALITY, quality})) {
      return error(Code::kInternal, "tensor '{}': JPEG encoding failed", tensor);
    }
  } catch (const cv::Exception& ex) {
    return error(Code::kInternal, "tensor '{}': JPEG encoding failed: {}", tensor, ex.what());
  }
  return std::string(buf.begin(), buf.end());
}

Status jpeg_decode(const void* data, size_t size, const ImageShape& g, uint8_t* out,
                   const std::string& tensor) {
  const auto* p = static_cast<const uint8_t*>(data);
  EDGECUT_ASSIGN_OR_RETURN(JpegHeader hdr, read_header(p, size, tensor));
  if (hdr.height != g.height || hdr.width != g.width || (hdr.components != 3 && hdr.components != 1)) {
    return error(Code::kInvalidArgument,
                 "tensor '{}': JPEG is {}x{} with {} components, the tensor needs {}x{}x3", tensor, hdr.width,
                 hdr.height, hdr.components, g.width, g.height);
  }
  cv::Mat bgr;
  try {
    // Wraps the payload without a copy; imdecode only reads it.
    const cv::Mat raw(1, static_cast<int>(size), CV_8UC1, const_cast<uint8_t*>(p));
    bgr = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const cv::Exception& ex) {
    return error(Code::kInvalidArgument, "tensor '{}': JPEG does not decode: {}", tensor, ex.what());
  }
  if (bgr.empty() || bgr.rows != g.height || bgr.cols != g.width || bgr.type() != CV_8UC3) {
    return error(Code::kInvalidArgument, "tensor '{}': JPEG does not decode to a {}x{} colour image", tensor,
                 g.width, g.height);
  }
  const size_t plane = static_cast<size_t>(g.height * g.width);
  const uint8_t* s = bgr.ptr<uint8_t>();
  for (size_t i = 0; i < plane; ++i) {
    for (size_t c = 0; c < 3; ++c) {
      (g.nchw ? out[c * plane + i] : out[3 * i + c]) = s[3 * i + 2 - c];
    }
  }
  return Status::ok();
}

}  // namespace edgecut::codec
