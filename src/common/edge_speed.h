// Edge:cloud speed presets: how much slower the emulated edge device is than
// the cloud server, as the one number papers quote ("the edge is 10x
// slower"). Emulated by the CPU quota (common/cpu_limit.h): the cloud runs on
// one whole core, the edge under a quota of 1/ratio of a core, so "10x" is
// an edge fraction of 0.1. Presets 5x, 10x and 30x are the regimes the
// literature evaluates (edge devices 5-100x slower than the server); any
// ratio in [1, 100] is accepted.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut {

struct EdgeSpeed {
  double ratio = 10;  // cloud time / edge time for the same work, >= 1
  double edge_fraction() const { return 1 / ratio; }
  std::string label() const;  // "10x"
};

// "10x", "10" or "1:10"; kInvalidArgument naming the accepted forms otherwise.
Expected<EdgeSpeed> parse_edge_speed(const std::string& text);

// The named presets, slowest edge last: 5x, 10x, 30x.
const std::vector<EdgeSpeed>& edge_speed_presets();

}  // namespace edgecut
