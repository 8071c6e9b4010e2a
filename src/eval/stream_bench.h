// Stream benchmark (`edgecut bench stream`): frames/s of each partitioner on
// the shaped link, the issue-11 table.
//
// For every model x link rate x method it runs the demo testbed (demo.h:
// netns + tbf, edge on core 0 under a CPU quota of `edge_fraction`, cloud on
// core 1) for `seconds`, with the client planning for a fixed bandwidth (the
// shaped rate times `goodput`, tbf counting headers) so the estimator plays
// no part, and with the plans made after the start-up calibration kept
// (--rebuild-shift 1000: on a 0.1-core edge a re-plan stalls the client for
// seconds), and reads the frame log. Methods:
//   edge-only, cloud-only   pipelined (--mode stream)
//   neurosurgeon, dads      their latency plans, one frame at a time (as published)
//   dads+dsh                DADS's heavy-load plan (DSH), pipelined
//   ours                    the exact bottleneck plan (partition/throughput.h), pipelined
// Per run: frames/s over the steady part (the last 80% of the phase), and for
// pipelined runs the bound frames / max(stage busy) from the frames' measured
// stage times (edge: the edge thread's time per frame; uplink: union of upload
// intervals; cloud: reported tail compute) and the ratio.
//
// Cost: (startup ~20-60 s + seconds) per run; 2 x 2 x 6 runs by default.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/frame_log.h"

namespace edgecut::eval {

struct StreamBenchOptions {
  std::string exe;  // the edgecut binary
  std::vector<std::string> models = {"zoo:resnet50", "zoo:googlenet"};
  std::vector<double> mbps = {5, 50};
  std::vector<std::string> methods = {"edge-only", "cloud-only", "neurosurgeon", "dads", "dads+dsh", "ours"};
  double seconds = 20;
  double edge_fraction = 0.1;
  double goodput = 0.96;  // plan for this share of the shaped rate
  std::string source;     // "" = the demo's default
  std::string out_dir = "edgecut-bench-stream";
};

struct StreamRun {
  std::string model, method;
  double mbps = 0;
  bool pipelined = false;
  int64_t frames = 0;  // in the steady window
  double fps = 0, bound_fps = 0, ratio = 0;
  double edge_ms = 0, up_ms = 0, cloud_ms = 0;  // busy per frame
  std::string plan;
  std::string main_plan;  // the plan most frames ran ("175 edge nodes")
  std::string mode;       // the testbed's description
};

// The `edgecut run` arguments of a method.
Expected<std::vector<std::string>> stream_method_args(const std::string& method);

// Reads a frame log (JSON lines) and summarises frames with unix_s in [from, to].
StreamRun summarise_stream_log(const std::vector<runtime::FrameLog>& log, double from, double to);

Expected<std::vector<StreamRun>> run_stream_bench(const StreamBenchOptions& options, std::ostream& progress);

// Whole model on the edge over whole model in the cloud, from the edge-only
// run's edge stage and the cloud-only run's cloud stage (0 without both).
double edge_cloud_ratio(const std::vector<StreamRun>& runs, const std::string& model, double mbps);
// One line per model and rate with that ratio (DESIGN.md asks for at least 10x).
std::string describe_speed_ratios(const std::vector<StreamRun>& runs, const StreamBenchOptions& options);

nlohmann::json to_json(const StreamRun& r);
// The table: one line per model and rate, frames/s per method, ours / best
// baseline and ours / DADS; "same plan" where ours ran the plan the best
// baseline ran (the ratio then measures the machine's noise, not a method).
std::string describe_stream_table(const std::vector<StreamRun>& runs, const StreamBenchOptions& options);

}  // namespace edgecut::eval
