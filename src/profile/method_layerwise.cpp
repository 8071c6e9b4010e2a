// The layerwise method: the engine's own per-layer times of the whole net.
#include <algorithm>
#include <numeric>

#include "profile/methods.h"

namespace edgecut::profile::detail {

Expected<Profile> measure_layerwise(const ExecutorFactory& make, const graph::Graph& g,
                                    const MeasureOptions& o) {
  auto t0 = Clock::now();
  EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex, make());
  report(o, 0, "whole net");
  EDGECUT_ASSIGN_OR_RETURN(Whole whole, measure_whole(*ex, g, o, 0, 1));
  if (whole.layer_ms.empty()) {
    return error(Code::kUnsupported,
                 "engine '{}' reports no per-layer times; use --method segment or isolated", ex->name());
  }
  Profile p = empty_profile("layerwise", *ex, g);
  p.node_ms = whole.layer_ms;
  double sum = std::accumulate(p.node_ms.begin(), p.node_ms.end(), 0.0);
  int zeros = static_cast<int>(std::count(p.node_ms.begin(), p.node_ms.end(), 0.0));
  p.extra = options_json(o, *ex);
  p.extra["whole"] = whole.json;
  p.extra["whole_layer_ms"] = whole.layer_ms;
  p.extra["sum_over_whole"] = whole.ms > 0 ? sum / whole.ms : 0;
  p.extra["zero_nodes"] = zeros;
  p.extra["seconds"] = seconds_since(t0);
  return p;
}

}  // namespace edgecut::profile::detail
