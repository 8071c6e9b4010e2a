// EdgeClient: the edge half of cooperative inference, one frame at a time.
//
// Per frame: look the plan up for the current bandwidth estimate (Controller,
// with hysteresis), run its head on the local engine, send the tensors that
// cross the cut to the server's tail ("<model>.tail.<digest>") with ModelInfer,
// and return the graph outputs in order. Every candidate plan is prepared
// before it is needed (heads here, tails loaded on the server), and the whole
// model is prepared here too: a frame whose cloud call fails or passes its
// deadline is finished on the edge, so no frame is lost.
//
// Measurement: each call gives a bandwidth sample, bytes / (round trip - server
// compute - server queue - RTT - result download); a background thread pings
// (ServerLive) for the RTT; while the plan sends nothing (edge-only), the
// frame thread probes the link between frames at a bounded rate. Head times measured here and tail times
// reported by the server keep the controller's per-side corrections current.
//
// Threads: infer() is called from one thread; the background thread shares the
// estimators under a mutex. Not copyable.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "codec/codec.h"
#include "common/status.h"
#include "engine/engine.h"
#include "exec/split_run.h"
#include "net/client.h"
#include "net/estimator.h"
#include "runtime/controller.h"
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
  double ping_interval_ms = 500;
  bool probe = true;
};

// One frame's record: the JSON line of `run --log`.
struct FrameLog {
  int64_t frame = 0;
  double t_s = 0;  // since the client started
  int plan = -1;
  std::string origin;
  int edge_nodes = 0;
  bool switched = false;
  double est_bps = 0, rtt_ms = 0;
  Prediction pred_raw, pred;  // before / after the per-side corrections
  double fe = 1, fc = 1;
  double head_ms = 0, call_ms = 0, compute_ms = 0, queue_ms = 0, up_ms = 0, total_ms = 0;
  int64_t up_bytes = 0, down_bytes = 0;
  int64_t up_raw_bytes = 0;                 // the crossing tensors before encoding (up_bytes: after)
  double encode_ms = 0, decode_ms = 0;      // encoding here, decoding on the server
  std::vector<std::string> encodings;       // per crossing tensor, when the plan encodes any
  int64_t bw_samples = 0, bw_rejected = 0;  // the estimator's counters so far
  bool fallback = false;
  std::string note;  // why a fallback happened, a tail reload, ...
  nlohmann::json to_json() const;
};

class EdgeClient {
 public:
  // `model` must outlive the client. Connects, measures the RTT, builds the
  // candidates and prepares all of them; fails when the server is unreachable
  // or refuses a tail (the status names it).
  static Expected<std::unique_ptr<EdgeClient>> create(const graph::Model& model, std::vector<double> edge_ms,
                                                      std::vector<double> cloud_ms,
                                                      const EdgeOptions& options);
  ~EdgeClient();

  // One frame: graph inputs by name in, graph outputs (g.outputs order) out.
  Expected<std::vector<exec::Tensor>> infer(const std::vector<exec::Tensor>& inputs, FrameLog* log);

  // Streaming (run --mode stream, runtime/stream_loop.h). start_frame() runs
  // on the edge thread: plan lookup and head (or the whole frame when the plan
  // is edge-only or the cloud is down). finish_cloud() may run on other
  // threads, several frames at once; on an error the caller finishes the frame
  // with finish_edge() on the edge thread. A frame keeps the plan it started
  // with, so a plan switch never drains the pipeline.
  struct Staged {
    FrameLog log;
    std::vector<exec::Tensor> inputs, pool;  // pool: inputs + head outputs, owned
    std::vector<exec::Tensor> outputs;       // set once the frame is complete
    bool done = false;
    double up_start_s = 0;  // when the cloud call began (client clock)
  };
  Expected<Staged> start_frame(std::vector<exec::Tensor> inputs);
  Status finish_cloud(Staged* s);
  Status finish_edge(Staged* s);
  // The client clock of FrameLog::t_s.
  double clock_s() const { return now_s(); }

  const Controller& controller() const { return controller_; }
  double estimate_bps() const;
  std::string executor_name() const { return executor_->name(); }
  // What to say once at start (runtime/server_view.h): the plans dropped
  // because the server cannot give their tails, and a server that reports
  // no timing. Empty against edgecut's own server with every tail.
  const std::vector<std::string>& start_notes() const { return notes_; }

 private:
  struct Prepared {
    exec::SplitPlan split;
    std::string tail_name;
    std::vector<graph::ValueId> crossing;    // the tail's inputs, in its order
    std::vector<codec::Encoding> encodings;  // per crossing tensor (the plan's; fp32 when it names none)
    bool encoded = false;                    // some crossing tensor is not plain fp32
  };
  EdgeClient(const graph::Model& model, Controller controller, const EdgeOptions& options);
  Status prepare_new_plans();
  Status calibrate();
  Status measure_send_cost(const std::vector<exec::Tensor>& inputs, double edge_ms, double edge_cpu_ms,
                           double big_cpu_ms);
  Status load_tail(const Prepared& p);
  Status run_cloud(const Prepared& p, const std::vector<exec::Tensor>& pool, std::vector<exec::Tensor>* out,
                   FrameLog* log);
  Expected<std::vector<exec::Tensor>> run_whole(const std::vector<exec::Tensor>& inputs);
  void background();
  bool reload_tails();  // true when every prepared tail is loaded on the server
  void check_load();

  static constexpr double kMinBackoffS = 0.1, kMaxBackoffS = 2.0;  // reconnect pings while down
  static constexpr double kRefusedLoad = 4.0;                      // load assumed from RESOURCE_EXHAUSTED
  double probe_once(
      int64_t bytes);  // sends a probe, feeds the estimator; its rate, or 0 when failed / rejected
  void initial_probes();
  void maybe_probe();
  // The frame number, time and link estimates of a new frame's log.
  void begin_log(FrameLog* log);
  // The chosen plan and its predictions, into a frame's log.
  void log_plan(int plan, const Prepared& p, FrameLog* log);
  double now_s() const;
  // Discovery hooks (runtime/edge_client_discovery.cpp).
  static Expected<std::shared_ptr<const ServerView>> discover_server(net::Client& client,
                                                                     const graph::Model& model,
                                                                     const EdgeOptions& options,
                                                                     ControllerOptions* control);
  // A ready or held tail: loaded without parameters, its tensors checked. *done: handled here.
  Status load_held_tail(const Prepared& p, bool* done);
  // The server's part of a call: its reported times, or the predicted cloud time.
  double server_ms(const net::InferReply& r, const FrameLog& log) const;
  void collect_notes();

  const graph::Model& model_;
  EdgeOptions options_;
  Controller controller_;
  std::unique_ptr<exec::Executor> executor_;
  exec::SegmentId whole_ = -1;
  // By candidate index; a deque so references survive growth. Grown by the
  // frame thread only, under plans_mu_ (the background thread reads it).
  std::deque<Prepared> prepared_;
  mutable std::mutex plans_mu_;
  std::unique_ptr<net::Client> client_;
  int current_ = -1;
  int64_t frames_ = 0;
  std::chrono::steady_clock::time_point start_;

  mutable std::mutex mu_;  // guards the estimators and pacer
  net::BandwidthEstimator bw_;
  net::RttEstimator rtt_;
  net::ProbePacer pacer_;
  int64_t probe_scale_ = 1;  // frame thread only
  std::atomic<bool> probing_{false};
  std::atomic<bool> cloud_down_{false};
  // Server load seen by the background thread or a refused call, for the
  // frame thread's controller; < 0: nothing new.
  std::atomic<double> pending_load_{-1};
  std::atomic<bool> stop_{false};
  std::thread bg_;
  std::mutex stream_mu_;                    // controller_ and current_ while streaming
  std::atomic<bool> need_prepare_{false};   // a cloud thread's observe() rebuilt the candidates
  std::shared_ptr<const ServerView> view_;  // what the server gives; set in create()
  std::vector<std::string> notes_;
};

}  // namespace edgecut::runtime
