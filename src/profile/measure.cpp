// measure(): option checks and dispatch to the methods (method_*.cpp), and
// the helpers they share.
#include "profile/measure.h"

#include <algorithm>
#include <numeric>

#include "graph/segment.h"
#include "profile/methods.h"
#include "profile/segment_timer.h"

namespace edgecut::profile {
namespace detail {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void report(const MeasureOptions& o, double fraction, const std::string& note) {
  if (o.progress) o.progress(std::clamp(fraction, 0.0, 1.0), note);
}

Profile empty_profile(const std::string& method, const Executor& ex, const graph::Graph& g) {
  Profile p;
  p.device = "unknown";
  p.method = method;
  p.threads = ex.threads();
  p.model = g.name;
  p.model_hash = g.structure_hash();
  p.node_ms.assign(g.nodes.size(), 0.0);
  return p;
}

nlohmann::json options_json(const MeasureOptions& o, const Executor& ex) {
  return {{"engine", ex.name()},
          {"repeat", o.repeat},
          {"warmup", o.warmup},
          {"max_spread", o.max_spread},
          {"max_retries", o.max_retries},
          {"estimator", "median"},
          {"schedule", "round-robin, paired"},
          {"quantile", o.quantile}};
}

Expected<Whole> measure_whole(Executor& ex, const graph::Graph& g, const MeasureOptions& o, double from,
                              double to) {
  SegmentTimer timer(&ex, &g, o.seed);
  EDGECUT_ASSIGN_OR_RETURN(int w, timer.add(graph::all_nodes(g), "whole"));
  timer.collect_layer_times(w);
  MeasureOptions mo = o;
  mo.warmup = o.warmup + 1;
  EDGECUT_RETURN_IF_ERROR(timer.measure(mo, from, to));
  Whole out;
  out.summary = timer.summary(w);
  out.ms = timer.quantile_ms(w, o.quantile);
  out.layer_ms = timer.layer_median(w);
  out.json = timer.to_json(w);
  return out;
}

nlohmann::json whole_extra(const MeasureOptions& o, const Executor& ex, const Whole& whole,
                           const Profile& p) {
  const double sum = std::accumulate(p.node_ms.begin(), p.node_ms.end(), 0.0);
  nlohmann::json j = options_json(o, ex);
  j["whole"] = whole.json;
  j["whole_layer_ms"] = whole.layer_ms;
  j["sum_over_whole"] = whole.ms > 0 ? sum / whole.ms : 0;
  return j;
}

}  // namespace detail

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"isolated", "layerwise", "segment"};
  return names;
}

Expected<Profile> measure(const std::string& method, const ExecutorFactory& ex, const graph::Graph& g,
                          const MeasureOptions& options) {
  if (options.repeat < 1 || options.repeat > 10000) {
    return error(Code::kInvalidArgument, "--repeat must be in [1, 10000], got {}", options.repeat);
  }
  if (options.warmup < 0 || options.max_retries < 0 || !(options.max_spread > 0)) {
    return error(Code::kInvalidArgument, "warm-up, retries must be >= 0 and max spread > 0");
  }
  if (!(options.quantile >= 0 && options.quantile <= 1)) {
    return error(Code::kInvalidArgument, "quantile must be in [0, 1], got {}", options.quantile);
  }
  if (!(options.budget_s > 0) || options.max_boundaries < 1) {
    return error(Code::kInvalidArgument, "segment budget and boundary count must be positive");
  }
  Expected<Profile> p = Status(Code::kInvalidArgument, "");
  if (method == "isolated") {
    p = detail::measure_isolated(ex, g, options);
  } else if (method == "layerwise") {
    p = detail::measure_layerwise(ex, g, options);
  } else if (method == "segment") {
    p = detail::measure_segment(ex, g, options);
  } else {
    return error(Code::kInvalidArgument, "unknown method '{}' (isolated, layerwise, segment, estimate)",
                 method);
  }
  if (p) detail::report(options, 1, "done");
  return p;
}

}  // namespace edgecut::profile
