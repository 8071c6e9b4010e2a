// FrameLog: the record of one frame, the JSON line of `run --log`, and its
// reader.
//
// A record only: nothing in the runtime reads its decisions back from here
// (the frame object, runtime/frame.h, holds them). One schema for both frame
// loops; the stream loop adds its pipeline fields (`stream`). The reader is
// strict: a missing field, an unknown one or one of the wrong type is an
// error naming the line and the field, never a zero, so a renamed field
// breaks the readers in eval/ loudly. O(fields) per line.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/controller.h"

namespace edgecut::runtime {

// The pipeline's view of a frame (run --mode stream, runtime/stream_loop.h).
struct StreamRecord {
  int64_t seq = 0;
  double start_s = 0, done_s = 0;            // since the loop started
  double edge_stage_ms = 0;                  // the edge thread's time on this frame (decode .. head)
  double up_ms = 0, cloud_ms = 0;            // as in the frame, for readers of the pipeline alone
  double up_start_s = 0;                     // when the cloud call began (client clock)
  double edge_busy_s = 0, cloud_busy_s = 0;  // cumulative, up to this frame
  int send_queue = 0, in_flight = 0, window = 0;
  int64_t reorder = 0;  // frames complete but waiting for this one
};

struct FrameLog {
  int64_t frame = 0;
  double t_s = 0;  // since the client started
  int plan = -1;
  std::string origin;
  int edge_nodes = 0;
  bool switched = false;
  double est_bps = 0, rtt_ms = 0;
  Prediction pred_raw, pred;  // before / after the per-side corrections
  PlanKinds kinds;            // the other kinds of plan at this frame's estimate (corrected)
  double fe = 1, fc = 1;
  double head_ms = 0, call_ms = 0, compute_ms = 0, queue_ms = 0, up_ms = 0, total_ms = 0;
  int64_t up_bytes = 0, down_bytes = 0;
  int64_t up_raw_bytes = 0;                 // the crossing tensors before encoding (up_bytes: after)
  double encode_ms = 0, decode_ms = 0;      // encoding here, decoding on the server
  std::vector<std::string> encodings;       // per crossing tensor, when the plan encodes any
  int64_t bw_samples = 0, bw_rejected = 0;  // the estimator's counters so far
  bool fallback = false;
  std::string note;            // why a fallback happened, a tail reload, ...
  std::string outputs_digest;  // FNV-1a of the outputs (runtime/frame_report.h)
  double unix_s = 0;           // wall clock when the frame was written, to line up with other processes
  std::optional<StreamRecord> stream;
  // The task's decoded output (runtime/task_sink.h: segments, faces, classes),
  // kept as the decoder wrote it; the runtime never reads it back.
  std::optional<nlohmann::json> task;

  nlohmann::json to_json() const;
  // Strict inverse of to_json(); `where` names the line in errors.
  static Expected<FrameLog> from_json(const nlohmann::json& j, const std::string& where);
};

// Every line of a `run --log` file (at most `max_bytes` of it); the first bad
// line is an error naming the file, the line and the field. A last line with
// no newline (a writer stopped mid-line) is left out.
Expected<std::vector<FrameLog>> read_frame_log(const std::string& path, int64_t max_bytes = int64_t{1} << 30);

}  // namespace edgecut::runtime
