// The demo: `edgecut demo`, the whole system on one machine, end to end.
//
// As root: two network namespaces joined by a veth pair (lab/testbed.h), the
// link shaped by tbf and re-shaped mid-run following `phases` (50 -> 5 -> 20
// Mbit/s by default); `edgecut serve` in the cloud namespace pinned to one
// core, `edgecut run` in the edge namespace on the other core under a CPU
// quota (an edge device `edge_fraction` of a core). The run's per-frame lines
// stream to `out` live; at the end the frame log becomes an SVG timeline and a
// summary per phase. Everything made is removed on exit, Ctrl-C included
// (child processes by pid, then the namespaces).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "lab/trace.h"

namespace edgecut::eval {

struct RatePhase {
  double seconds = 25;
  double mbps = 50;
};

struct DemoOptions {
  std::string exe;  // the edgecut binary to start server and client with
  std::string model = "zoo:googlenet";
  std::string source;  // "" = vtest.avi from opencv-doc when installed, else synthetic
  std::vector<RatePhase> phases = {{20, 200}, {20, 50}, {20, 5}};
  double edge_fraction = 0.1;  // edge = this share of one core (cloud: one core)
  std::string algo = "qdmp";
  std::vector<std::string> run_args;  // extra `edgecut run` arguments (profiles, ...)
  // "" = `edgecut serve MODEL`. Otherwise the cloud is this shell command
  // (run as `sh -c 'exec CMD'` in the cloud's namespace): any KServe v2
  // server, e.g. Triton on an exported repository. "{listen}" in it becomes
  // the HOST:PORT it must serve gRPC on. The edge client starts before it
  // answers and cuts once it does.
  std::string cloud_command;
  std::string out_dir = "edgecut-demo";
  double ready_timeout_s = 180;  // for the edge client's first frame (slow edges prepare many plans)
  bool quiet = false;            // the client's per-frame lines go to OUT/client.log instead of `out`
  // Trace replay (lab/trace_replay.h) instead of `phases`: the uplink follows
  // `uplink_trace` at its step for one pass, the downlink `downlink_trace`
  // (or the uplink's trace when absent); the summary has one phase per
  // `trace_window_s` with the trace's mean rate there.
  std::optional<RateTrace> uplink_trace, downlink_trace;
  double trace_window_s = 10;
  std::string edge_speed;  // the edge:cloud speed preset that set edge_fraction ("10x"), for the record
};

struct PhaseReport {
  double shaped_mbps = 0;
  int64_t frames = 0;
  double est_median_mbps = 0;
  double est_err_pct = 0;  // (estimate median - shaped) / shaped
  double latency_p50_ms = 0;
  double predicted_p50_ms = 0;
  double latency_err_pct = 0;   // |p50 measured - p50 predicted| / p50 measured
  double mean_abs_err_pct = 0;  // per frame |measured - predicted| / measured
  double first_switch_s = -1;   // after the phase began; -1: none
  // The plan of the phase's second half (its steady state), and how long /
  // how many frames that started after the phase began ran before one used it.
  std::string steady_plan;
  double adopt_s = 0;
  int64_t stale_frames = 0;
  std::string plans;  // "qdmp (0 edge nodes) x12, ..."
  // Medians over the phase's frames of what each kind of plan was predicted
  // to cost at the frame's estimate (runtime::PlanKinds); -1: not a candidate.
  double edge_only_ms = -1, cloud_only_ms = -1, cut_ms = -1;
  std::string cut;  // the best interior cut most frames saw
  // "cut", "cloud-only" or "edge-only": the lowest of the three, and by how
  // much it beats the next (ratio >= 1).
  std::string fastest;
  double fastest_by = 0;
  double from_unix = 0, to_unix = 0;  // the phase, wall clock (frame logs' unix_s)
};

struct DemoReport {
  std::string mode;
  double edge_fraction = 0;
  std::string edge_speed;     // "10x" when given as a preset
  std::string trace;          // the replayed trace's name, or ""
  int64_t trace_changes = 0;  // "network namespaces + tbf" or why not
  std::vector<PhaseReport> phases;
  std::string log_path, svg_path;
  nlohmann::json to_json() const;
  std::string describe() const;
  std::string describe_kinds() const;  // the per-phase comparison of the kinds of plan
};

Expected<DemoReport> run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace edgecut::eval
