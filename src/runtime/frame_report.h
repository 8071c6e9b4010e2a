// The frame report: one summary accumulator and one log writer for both frame
// loops (run_loop.h, stream_loop.h), so the two cannot drift apart again.
//
// SummaryBuilder::add() takes each frame's record in output order; finish()
// gives the latency quantiles, the prediction error over frames that were not
// finished on the edge after a failure, the plan counts and, for a stream, the
// stage bound. O(frames) memory (the latencies, for quantiles).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "exec/tensor.h"
#include "runtime/frame_log.h"

namespace edgecut::runtime {

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

// "origin (N edge nodes)": how summaries and reports name a plan.
std::string plan_label(const FrameLog& log);

// Length of the union of [start, end] intervals (the time a stage was busy
// with at least one frame). O(n log n).
double union_length(std::vector<std::pair<double, double>> intervals);

class SummaryBuilder {
 public:
  void add(const FrameLog& log);
  void count_dropped() { ++s_.dropped; }
  // Latency mode: `seconds` of wall time. Stream mode: the stage bound too.
  RunSummary finish(double seconds, int64_t skipped, bool stream, int max_window = 0);

 private:
  RunSummary s_;
  std::vector<double> latency_, pred_, err_;
  std::vector<std::pair<double, double>> uploads_;  // stream: (start, end) of each upload
  double edge_busy_s_ = 0, cloud_busy_s_ = 0;
};

// 64-bit FNV-1a of the outputs' bytes, in order: compares runs bit for bit.
std::string outputs_digest(const std::vector<exec::Tensor>& outputs);

// The `run --log` file: one JSON line per frame, flushed (readers follow it).
class LogWriter {
 public:
  Status open(const std::string& path);  // "" = no log
  // Fills the record's digest and wall-clock time, then writes it.
  void write(FrameLog& log, const std::vector<exec::Tensor>& outputs);

 private:
  std::ofstream f_;
};

}  // namespace edgecut::runtime
