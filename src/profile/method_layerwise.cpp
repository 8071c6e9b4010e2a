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
  p.extra = whole_extra(o, *ex, whole, p);
  p.extra["zero_nodes"] = static_cast<int>(std::count(p.node_ms.begin(), p.node_ms.end(), 0.0));
  p.extra["seconds"] = seconds_since(t0);
  return p;
}

}  // namespace edgecut::profile::detail
