#include "common/edge_speed.h"

#include <charconv>
#include <cmath>

namespace edgecut {

std::string EdgeSpeed::label() const {
  return ratio == std::floor(ratio) ? fmt::format("{:.0f}x", ratio) : fmt::format("{:g}x", ratio);
}

Expected<EdgeSpeed> parse_edge_speed(const std::string& text) {
  std::string s = text;
  if (s.rfind("1:", 0) == 0) {
    s = s.substr(2);
  } else if (!s.empty() && (s.back() == 'x' || s.back() == 'X')) {
    s.pop_back();
  }
  double r = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), r);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(r) || r < 1 || r > 100) {
    return error(Code::kInvalidArgument,
                 "edge speed '{}': give how many times slower the edge is than the cloud, 1 to 100, as 10x, "
                 "10 or 1:10 (presets 5x, 10x, 30x)",
                 text);
  }
  return EdgeSpeed{r};
}

const std::vector<EdgeSpeed>& edge_speed_presets() {
  static const std::vector<EdgeSpeed> presets = {{5}, {10}, {30}};
  return presets;
}

}  // namespace edgecut
