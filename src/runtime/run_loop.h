// The edge's frame loop: source -> preprocess -> EdgeClient::infer -> outputs,
// with pacing, per-frame JSON lines and a summary.
//
// Pacing: with fps > 0 frame i is due at start + i / fps. A live source
// (camera) drops a frame that cannot start within one period of its time and
// counts it; a file source waits instead and drops nothing. Without fps, frames
// run back to back.
#pragma once

#include <ostream>
#include <string>

#include "runtime/edge_client.h"
#include "runtime/frame_report.h"
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

Expected<RunSummary> run_frames(FrameSource& source, EdgeClient& client, const graph::Graph& g,
                                const RunOptions& options, std::ostream& out);

}  // namespace edgecut::runtime
