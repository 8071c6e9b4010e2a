// Accuracy benchmark: how well do per-node profiles predict what a plan
// really costs on the engine?
//
// For K random valid plans (closed head sets near random topological
// positions, moved by random frontier steps, so that cuts inside inception /
// dense blocks with several crossing tensors occur) and for the plans that
// qdmp and neurosurgeon choose across a bandwidth sweep (edge = profile x each
// edge factor, cloud = profile; edge-only and cloud-only plans included), the
// head and the tail are run for real and compared with the sum of each
// profile's node times over each side. Each plan's whole net, head and tail
// run back to back in every round (round-robin over plans); the
// drift-corrected error rescales each round's prediction by the engine's
// per-layer times in that round's whole-net run (corrected_error), so that a
// machine whose speed changes between rounds does not count as the method's
// error (docs/design.md, "Measurement").
//
// Cost: profiling each method (its budget), then about plans x (whole + head
// + tail) x rounds engine runs; memory: a batch of prepared plans, bounded by
// MeasureOptions::memory_bytes.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "graph/onnx_import.h"
#include "profile/measure_options.h"
#include "profile/profile.h"

namespace edgecut::eval {

// Label suffix of the row that evaluates a profile's per-side weights as one
// set (Profile::node_ms for both sides), beside the profile's own row.
inline constexpr const char* kOneSetSuffix = " (one set)";

// A profile under evaluation.
struct NamedProfile {
  std::string label;  // the method, or "method (file)"
  profile::Profile p;
  double seconds = 0;  // profiling time, when profiled here
};

// phase: "profile (METHOD)" or "measure plans"; fraction of that phase done.
using PhaseProgress = std::function<void(const std::string& phase, double fraction, const std::string& note)>;

struct AccuracyOptions {
  int plans = 20;  // random valid plans
  int threads = 1;
  std::string engine = engine::default_engine();
  engine::EngineOptions engine_options;  // threads is taken from `threads`
  std::vector<double> edge_factors = {1.5, 4, 16};
  int points = 24;                  // bandwidths in the sweep (0.1 Mbps .. 1 Gbps, rtt 20 ms)
  profile::MeasureOptions measure;  // profiling and plan timing (repeat, quantile, memory, seed)
  PhaseProgress progress;           // may be empty
};

struct TestPlan {
  std::string source;  // "random", "qdmp@10Mbps,x4", ...
  std::vector<char> on_edge;
  std::vector<graph::NodeId> head, tail;
  int crossing = 0;  // activations that cross edge -> cloud
  double head_ms = 0, tail_ms = 0, head_spread = 0, tail_spread = 0;
  double whole_ms = 0;  // the whole net, run back to back with head and tail
  // Median over rounds of head / whole and tail / whole (same round), for
  // reading the runs (the error uses corrected_error).
  double head_share = 0, tail_share = 0;
  std::vector<double> whole_samples, head_samples, tail_samples;  // ms, per round
  std::vector<std::vector<double>> whole_layers;  // per round: the engine's per-node ms of the whole run
};

// Signed % errors of one profile, grouped.
struct Errors {
  std::vector<double> all, random, chosen, heads, tails, totals;
};

struct ErrorStats {
  size_t n = 0;
  double mean_abs_pct = 0, p90_abs_pct = 0, mean_signed_pct = 0;
};
ErrorStats error_stats(const std::vector<double>& pct);

// One profile's results (AccuracyResult::rows[k] is for profiles[k]).
struct ProfileAccuracy {
  double sum_ms = 0;            // the whole net as the planner prices it (profile::side_ms, edge)
  double whole_err_pct = 0;     // sum_ms against the whole net measured now
  double profile_whole_ms = 0;  // the whole net when profiled (0: unknown)
  Errors corrected, raw;
};

struct AccuracyResult {
  std::vector<NamedProfile> profiles;
  std::vector<TestPlan> plans;  // the chosen ones first
  int chosen_count = 0;
  double whole_ms = 0;  // median over batches of the whole net's kept time
  nlohmann::json whole_runs = nlohmann::json::array();
  double measure_seconds = 0;
  std::vector<ProfileAccuracy> rows;  // aligned with profiles
  nlohmann::json plan_details = nlohmann::json::array();
  std::string engine_options;  // engine::describe_options of the run
};

// Profiles `model` with each of `methods` (measured; "estimate" is refused:
// it needs GFLOP/s) on a fresh executor each.
Expected<std::vector<NamedProfile>> profile_methods(const graph::Model& model,
                                                    const std::vector<std::string>& methods,
                                                    const AccuracyOptions& o);

// Plans to measure: the partitioners' choices over the sweep (built on the
// last "segment" profile, else the first), then up to o.plans distinct random
// ones. Precondition: profiles is not empty.
Expected<std::vector<TestPlan>> make_test_plans(const graph::Graph& g,
                                                const std::vector<NamedProfile>& profiles,
                                                const AccuracyOptions& o, int* chosen_count);

// Drift-corrected % error of `pred_ms` for the side `nodes`, whose run in
// round r took side[r] ms. The machine's speed changes by up to 40% within
// seconds, and not uniformly, so the prediction is scaled, per round, by how
// much the engine's per-layer times of these nodes in that round's whole-net
// run (t.whole_layers[r]) differ from profile_layers (those at profiling);
// without per-layer times, by the round's whole-net time over profile_whole.
// The result is 100 x (median over rounds of predicted / measured - 1); NaN
// when no round gives a scale. O(rounds x |nodes|).
double corrected_error(double pred_ms, const std::vector<graph::NodeId>& nodes,
                       const std::vector<double>& side, const TestPlan& t,
                       const std::vector<double>& profile_layers, double profile_whole);

// Profiles files (`profiles`) and methods measured here, makes and measures
// the plans, and computes every profile's errors. Fails when there is no
// profile or no plan.
Expected<AccuracyResult> run_accuracy(const graph::Model& model, std::vector<NamedProfile> profiles,
                                      const std::vector<std::string>& methods, const AccuracyOptions& o);

// The --json contract's entry of rows[k].
nlohmann::json row_json(const NamedProfile& np, const ProfileAccuracy& row);

}  // namespace edgecut::eval
