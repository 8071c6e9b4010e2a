// The isolated method: every node as its own one-node segment.
#include <cmath>
#include <numeric>

#include "profile/methods.h"
#include "profile/segment_timer.h"

namespace edgecut::profile::detail {

Expected<Profile> measure_isolated(const ExecutorFactory& make, const graph::Graph& g,
                                   const MeasureOptions& o) {
  auto t0 = Clock::now();
  EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex, make());
  report(o, 0, "whole net");
  EDGECUT_ASSIGN_OR_RETURN(Whole whole, measure_whole(*ex, g, o, 0, 0.1));
  SegmentTimer timer(ex.get(), &g, o.seed + 1);
  std::vector<int> index(g.nodes.size(), -1);
  nlohmann::json failed = nlohmann::json::array();
  const double per_node = whole.ms / std::max(1, g.num_nodes());
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) {
    report(o, 0.1 + 0.1 * v / std::max(1, g.num_nodes()), "prepare " + g.nodes[v].name);
    double guess = whole.layer_ms.empty() ? per_node : whole.layer_ms[v] + 0.05;
    auto id = timer.add({v}, g.nodes[v].name, guess);
    if (!id) {
      failed.push_back({{"node", g.nodes[v].name}, {"reason", id.status().message()}});
      continue;
    }
    index[v] = *id;
  }
  if (timer.size() == 0) return error(Code::kUnsupported, "no node of '{}' runs on its own", g.name);
  EDGECUT_RETURN_IF_ERROR(timer.measure(o, 0.2, 1));
  Profile p = empty_profile("isolated", *ex, g);
  nlohmann::json spreads = nlohmann::json::array();
  int wide = 0;
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) {
    if (index[v] < 0) continue;
    Summary s = timer.summary(index[v]);
    p.node_ms[v] = timer.quantile_ms(index[v], o.quantile);
    spreads.push_back(std::round(s.spread() * 1e4) / 1e4);
    wide += s.spread() > o.max_spread;
  }
  p.extra = whole_extra(o, *ex, whole, p);
  p.extra["node_spread"] = spreads;
  p.extra["wide_nodes"] = wide;
  p.extra["failed_nodes"] = failed;
  p.extra["seconds"] = seconds_since(t0);
  return p;
}

}  // namespace edgecut::profile::detail
