// EdgeClient: the edge half of cooperative inference, assembled from its
// parts (ncnn's Net + Extractor shape: the client holds what lives as long
// as the run, each frame is an EdgeFrame).
//
//   LinkMonitor  (link_monitor.h) RTT, bandwidth, probes, pings, backoff
//   EdgeSession  (edge_session.h) controller + prepared plans, one lock
//   FramePath    (frame.h)        begin -> head -> send -> finish per frame
//
// create() times the whole model here and never needs the cloud: when the
// server does not answer, frames run the whole model here while the link
// monitor pings with backoff; when it answers, join() times the model there,
// recalibrates, prepares every plan (tails loaded on the server) and only
// then lets frames cut, all off the frame path. So an edge that boots in a
// tunnel processes its camera from the first frame.
//
// Threads: infer() and start_frame() / finish_edge() from one frame thread;
// finish_cloud() from any number of sender threads. Not copyable.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "net/client.h"
#include "runtime/controller.h"
#include "runtime/edge_session.h"
#include "runtime/frame.h"
#include "runtime/frame_log.h"
#include "runtime/link_monitor.h"
#include "runtime/server_view.h"

namespace edgecut::runtime {

struct EdgeOptions {
  std::string model_name;  // as served (default: the graph's name)
  net::ChannelOptions channel;
  ControllerOptions control;
  engine::EngineOptions engine;
  // Must match the server's engine for bit-exact splits (engine/engine.h).
  std::string engine_name = engine::default_engine();
  double initial_bps = 10e6;      // assumed before the first sample
  double fixed_bps = 0;           // > 0: plan at this bandwidth, ignore the estimator (tests)
  double deadline_factor = 4.0;   // cloud call deadline: factor * predicted call time...
  double deadline_min_ms = 2000;  // ...but at least this
  bool early_finish = false;      // runtime/frame.h FramePathOptions::early_finish
  codec::ImageNorm image_norm;    // the frames' normalisation (FramePathOptions::image_norm)
  double ping_interval_ms = 500;
  bool probe = true;
  // false: the cloud keeps its profile as given until frames correct it (a
  // profile measured on the server itself; tests whose premise is a faster cloud).
  bool time_cloud = true;
  double connect_timeout_ms = 3000;  // how long create() waits for the first ping
  double assumed_rtt_ms = 20;        // the controller's RTT until one is measured
};

class EdgeClient {
 public:
  // `model` must outlive the client. Fails only on local problems (the
  // engine cannot run the model); an unreachable cloud is not one.
  static Expected<std::unique_ptr<EdgeClient>> create(const graph::Model& model, std::vector<double> edge_ms,
                                                      std::vector<double> cloud_ms,
                                                      const EdgeOptions& options);
  ~EdgeClient();

  // One frame: graph inputs by name in, graph outputs (g.outputs order) out.
  Expected<std::vector<exec::Tensor>> infer(const std::vector<exec::Tensor>& inputs, FrameLog* log);

  // Streaming (run --mode stream, runtime/stream_loop.h): start_frame() runs
  // the decision and the head on the edge thread (the whole frame when the
  // plan sends nothing); finish_cloud() the call, on a sender thread; on its
  // failure the edge thread finishes the frame with finish_edge().
  Expected<EdgeFrame> start_frame(std::vector<exec::Tensor> inputs);
  Status finish_cloud(EdgeFrame* f) { return path_->send(f); }
  Status finish_edge(EdgeFrame* f) { return path_->finish_local(f); }

  double clock_s() const { return link_->clock_s(); }
  double estimate_bps() const { return link_->estimate_bps(); }
  bool cloud_up() const { return link_->up(); }
  std::string executor_name() const { return executor_->name(); }
  EdgeSession& session() { return *session_; }
  const LinkMonitor& link() const { return *link_; }
  // What to say once at start (runtime/server_view.h): the plans dropped
  // because the server cannot give their tails, and a server that reports
  // no timing. Empty against edgecut's own server with every tail.
  const std::vector<std::string>& start_notes() const { return notes_; }

 private:
  EdgeClient(const graph::Model& model, const EdgeOptions& options);
  Status time_edge(const std::vector<exec::Tensor>& x);
  bool join();  // the cloud answered: discover it, calibrate it, prepare the plans
  // Asks the server what it gives (edge_client_discovery.cpp): the
  // controller's availability check reads it; apply_view() hands it to the
  // session (how tails are obtained) and the link monitor (probes timed by
  // the refusal where the server has no probe model).
  Status discover();
  void apply_view();
  void collect_notes();
  // `notes`: where to say that the cloud went untimed (start-up only; null later).
  Status calibrate_cloud(const std::vector<exec::Tensor>& x, std::vector<std::string>* notes);
  Status measure_send_cost(const std::vector<exec::Tensor>& inputs, double big_cpu_ms);

  const graph::Model& model_;
  EdgeOptions options_;
  std::unique_ptr<exec::Executor> executor_;
  exec::SegmentId whole_ = -1;
  std::unique_ptr<net::Client> client_;
  std::unique_ptr<EdgeSession> session_;
  std::unique_ptr<LinkMonitor> link_;
  std::unique_ptr<FramePath> path_;
  double edge_factor_ = 1, edge_ms_ = 0, edge_cpu_ms_ = 0;  // from timing the whole model here
  bool joined_ = false;                                     // the cloud side has been calibrated once
  bool cloud_timed_ = true;  // the server's replies carry its compute time (edgecut serve does)
  // Read by the controller's availability check (under the session's lock).
  std::shared_ptr<std::shared_ptr<const ServerView>> view_ =
      std::make_shared<std::shared_ptr<const ServerView>>();
  std::vector<std::string> notes_;
  std::atomic<int64_t> frames_{0};
};

}  // namespace edgecut::runtime
