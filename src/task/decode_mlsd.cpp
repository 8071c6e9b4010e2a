// M-LSD decoding (task/decode.h).
#include <cmath>

#include "task/decode.h"

namespace edgecut::task {

Expected<std::vector<Segment>> decode_mlsd(const exec::Tensor& scores, const exec::Tensor& offsets,
                                           const LineSegmentsTask& t, int input_w, int input_h) {
  const auto& s = scores.shape();
  if (scores.dtype() != graph::DType::kFloat || s.size() != 4 || s[0] != 1 || s[3] != 1 || s[1] < 1 ||
      s[2] < 1) {
    return error(Code::kInvalidArgument, "M-LSD scores '{}': want float32 [1,H,W,1], got {} {}",
                 scores.name(), graph::dtype_name(scores.dtype()), shape_str(s));
  }
  const std::vector<int64_t> want = {1, s[1], s[2], 4};
  if (offsets.dtype() != graph::DType::kFloat || offsets.shape() != want) {
    return error(Code::kInvalidArgument, "M-LSD offsets '{}': want float32 {}, got {} {}", offsets.name(),
                 shape_str(want), graph::dtype_name(offsets.dtype()), shape_str(offsets.shape()));
  }
  const int64_t h = s[1], w = s[2];
  const auto sc = scores.as<float>();
  const auto off = offsets.as<float>();
  std::vector<Segment> out;
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y * w + x);
      if (!(sc[i] >= t.threshold)) continue;  // NaN scores are no segment either
      const float* o = &off[4 * i];
      Segment g;
      g.x0 = (static_cast<float>(x) + o[0]) / static_cast<float>(w);
      g.y0 = (static_cast<float>(y) + o[1]) / static_cast<float>(h);
      g.x1 = (static_cast<float>(x) + o[2]) / static_cast<float>(w);
      g.y1 = (static_cast<float>(y) + o[3]) / static_cast<float>(h);
      g.score = sc[i];
      if (t.min_length > 0) {
        const double len = std::hypot((g.x1 - g.x0) * input_w, (g.y1 - g.y0) * input_h);
        if (!(len >= t.min_length)) continue;
      }
      out.push_back(g);
      if (static_cast<int>(out.size()) >= t.max_detections) return out;
    }
  }
  return out;
}

}  // namespace edgecut::task
