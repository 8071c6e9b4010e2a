// Internal to profile/: the three measured methods and what they share (the
// whole-net run, the empty profile, the options record). measure() in
// measure.cpp validates options and dispatches here; callers outside
// profile/ use measure.h.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "profile/measure.h"
#include "profile/stats.h"

namespace edgecut::profile::detail {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0);
// Calls o.progress, if set, with the fraction clamped to [0, 1].
void report(const MeasureOptions& o, double fraction, const std::string& note);
// A profile of g with every node at 0 ms, named after `method` and ex.
Profile empty_profile(const std::string& method, const Executor& ex, const graph::Graph& g);
// The options every method records in Profile::extra.
nlohmann::json options_json(const MeasureOptions& o, const Executor& ex);

// The whole net, timed with per-layer times (warm-up + 1).
struct Whole {
  Summary summary;
  double ms = 0;                 // the kept statistic
  std::vector<double> layer_ms;  // per node id; empty if unsupported
  nlohmann::json json;
};
// progress runs from `from` to `to`.
Expected<Whole> measure_whole(Executor& ex, const graph::Graph& g, const MeasureOptions& o, double from,
                              double to);
// options_json plus the whole net's statistics and how the sum of p's node
// times compares with it ("sum_over_whole").
nlohmann::json whole_extra(const MeasureOptions& o, const Executor& ex, const Whole& whole, const Profile& p);

Expected<Profile> measure_isolated(const ExecutorFactory& make, const graph::Graph& g,
                                   const MeasureOptions& o);
Expected<Profile> measure_layerwise(const ExecutorFactory& make, const graph::Graph& g,
                                    const MeasureOptions& o);
Expected<Profile> measure_segment(const ExecutorFactory& make, const graph::Graph& g,
                                  const MeasureOptions& o);

}  // namespace edgecut::profile::detail
