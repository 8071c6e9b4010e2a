// An SVG timeline of a cooperative run, for people rather than scripts: top
// panel the shaped and the estimated uplink bandwidth, bottom panel each
// frame's latency against its prediction, plan switches as vertical marks
// across both. No dependency: SVG text (Debian has no small C++ plotting library).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut::eval {

struct TimelineFrame {
  double t_s = 0;
  double est_mbps = 0;
  double latency_ms = 0;
  double predicted_ms = 0;
  bool switched = false;
  bool fallback = false;
  std::string plan;
};

struct RateStep {
  double t_s = 0;  // from this time on
  double mbps = 0;
};

Status write_timeline_svg(const std::string& path, const std::string& title,
                          const std::vector<TimelineFrame>& frames, const std::vector<RateStep>& shaped);

}  // namespace edgecut::eval
