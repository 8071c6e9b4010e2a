// The edge's frame loop: source -> preprocess -> EdgeClient::infer -> outputs,
// with pacing, per-frame JSON lines and a summary.
//
// Pacing: with fps > 0 frame i is due at start + i / fps. A live source
// (camera) drops a frame that cannot start within one period of its time and
// counts it; a file source waits instead and drops nothing. Without fps, frames
// run back to back.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "runtime/edge_client.h"
#include "runtime/preprocess.h"
#include "runtime/source.h"
#include "runtime/task_sink.h"

namespace edgecut::runtime {

struct RunOptions {
  double fps = 0;
  std::string log_path;  // JSON lines, one per frame ("" = none)
  bool print_frames = true;
  PreprocessOptions preprocess;
  // The model's task: decoded outputs per frame line and log, --annotate
  // (latency mode; stream mode prints the outputs' summary only). May be null.
  std::shared_ptr<TaskSink> task;
};

struct RunSummary {
  int64_t frames = 0;
  int64_t fallbacks = 0;  // finished on the edge after a failed cloud call
  int64_t dropped = 0;    // live source: frames that could not start in time
  int64_t skipped = 0;    // frames the source could not decode
  int64_t switches = 0;
  double seconds = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, mean_ms = 0;
  double mean_pred_ms = 0;               // corrected predictions
  double mean_abs_err_pct = 0;           // |measured - predicted| / measured, over frames not fallen back
  std::map<std::string, int64_t> plans;  // origin (edge nodes) -> frames
  // run --mode stream (stream_loop.h): measured rate, busy seconds per stage,
  // the bound frames / max(busy) and rate / bound.
  bool stream = false;
  double fps = 0, bound_fps = 0, ratio = 0;
  double edge_busy_s = 0, up_busy_s = 0, cloud_busy_s = 0;
  int max_window = 0;  // most frames between start and output at once
  nlohmann::json to_json() const;
  std::string describe() const;
};

// 64-bit FNV-1a of the outputs' bytes, in order: compares runs bit for bit.
std::string outputs_digest(const std::vector<exec::Tensor>& outputs);

Expected<RunSummary> run_frames(FrameSource& source, EdgeClient& client, const graph::Graph& g,
                                const RunOptions& options, std::ostream& out);

}  // namespace edgecut::runtime
