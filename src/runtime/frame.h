// EdgeFrame and FramePath: one frame's way through the edge, the same for
// both frame loops.
//
//   begin   the decision: estimate, RTT, plan snapshot, predictions, deadline
//   head    the plan's head on the local engine
//   send    encode the crossing tensors, ModelInfer on the tail, read the
//           reply; feeds the link monitor (bytes actually sent) and the
//           controller (head / tail / queue times)
//   finish_local  the whole model here, when the plan is edge-only, the cloud
//           is down, or the call failed
//
// Latency mode runs the four in a row on one thread; stream mode runs begin
// and head on the edge thread and send on a sender thread, several frames at
// once. The frame holds its decision context: nothing is read back from its
// log record, which stays a record. A frame keeps the plan it began with, so
// a plan switch never drains the pipeline.
#pragma once

#include <memory>
#include <vector>

#include "codec/encoding.h"
#include "exec/tensor.h"
#include "runtime/edge_session.h"
#include "runtime/frame_log.h"
#include "runtime/link_monitor.h"

namespace edgecut::runtime {

class EdgeFrame {
 public:
  FrameLog log;
  std::vector<exec::Tensor> outputs;  // graph outputs, owned; set once done()
  bool done() const { return done_; }
  bool sends() const { return decision_.sends() && !done_; }
  double up_start_s() const { return up_start_s_; }

 private:
  friend class FramePath;
  Decision decision_;
  double deadline_ms_ = 0;
  double predicted_call_ms_ = 0;  // upload + RTT + cloud + download, as decided
  bool early_ = false;            // the deadline is the early-finish point, not a fault bound
  double est_bps_ = 0, rtt_ms_ = 0;
  std::vector<exec::Tensor> inputs_, pool_;  // pool: inputs + head outputs, owned
  double up_start_s_ = 0;
  bool done_ = false;
};

struct FramePathOptions {
  double deadline_factor = 4.0;   // cloud call deadline: factor * predicted call time...
  double deadline_min_ms = 2000;  // ...but at least this
  // Early edge finish (ski rental): give up on a call once it has waited its
  // predicted time plus the edge-only time (waiting longer already loses to
  // running here), at least early_min_ms, and finish the frame here. A slow
  // link, not a fault: the cloud stays up and the wait is a bandwidth sample.
  bool early_finish = false;
  double early_min_ms = 100;
  // How the frames' floats were normalised (the model card's): a uint8 / JPEG
  // frame is quantised back with it and the server told (net/wire.h kImageNorm).
  codec::ImageNorm image_norm;
};

class FramePath {
 public:
  // All must outlive the path. `whole` is the whole model prepared on `executor`.
  FramePath(const graph::Model& model, exec::Executor& executor, exec::SegmentId whole, EdgeSession& session,
            LinkMonitor& link, net::Client& client, FramePathOptions options);

  EdgeFrame begin(std::vector<exec::Tensor> inputs, int64_t frame_no);
  Status head(EdgeFrame* f);
  // The cloud call and the outputs; on failure the frame is not done and the
  // status says why (the caller finishes it with finish_local).
  Status send(EdgeFrame* f);
  Status finish_local(EdgeFrame* f);
  // begin .. finish in one go (latency mode).
  Expected<EdgeFrame> run(std::vector<exec::Tensor> inputs, int64_t frame_no);

 private:
  Expected<net::InferReply> call(EdgeFrame* f, const std::vector<exec::Tensor>& send, int64_t* bytes_sent);
  void on_failure(EdgeFrame* f, const Status& st, int64_t bytes_sent, double elapsed_ms);
  Status complete(EdgeFrame* f);

  const graph::Model& model_;
  exec::Executor& executor_;
  exec::SegmentId whole_;
  EdgeSession& session_;
  LinkMonitor& link_;
  net::Client& client_;
  FramePathOptions options_;
};

}  // namespace edgecut::runtime
