// EdgeSession: the plans the edge may run and the controller that picks one,
// under one lock.
//
// A frame asks decide() for a Decision: an immutable snapshot of the chosen
// plan (its head and tail prepared, shared_ptr so a rebuild never pulls it
// from under a frame in flight) with the predictions made for it. Only
// prepared plans are choosable: when the controller prefers one that is not
// ready yet, the frame takes the best ready one and the plan is prepared off
// the frame path (a worker thread builds its head here and loads its tail on
// the server), so no frame waits on a rebuild or a tail load.
//
// The cloud side joins late when it was unreachable at start: join() (from
// the link monitor's thread) times the whole model there, recalibrates the
// controller and prepares every plan; until then frames run the whole model
// here. Thread-safe. decide() is O(plans).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "codec/encoding.h"
#include "exec/executor.h"
#include "exec/split_run.h"
#include "graph/graph.h"
#include "graph/onnx_import.h"
#include "net/client.h"
#include "runtime/controller.h"
#include "runtime/server_view.h"

namespace edgecut::runtime {

// One candidate ready to run: head here, tail on the server.
struct PreparedPlan {
  exec::SplitPlan split;
  std::string tail_name;                   // "" for edge-only
  std::vector<graph::ValueId> crossing;    // the tail's inputs, in its order
  std::vector<codec::Encoding> encodings;  // per crossing tensor (the plan's; fp32 when it names none)
  bool encoded = false;                    // some crossing tensor is not plain fp32
  bool sends() const { return split.tail >= 0; }
};

struct Decision {
  int plan = -1;  // candidate index; -1: the whole model here (cloud not usable)
  std::shared_ptr<const PreparedPlan> prepared;
  std::string origin;
  int edge_nodes = 0;
  bool switched = false;
  Prediction pred_raw, pred;
  PlanKinds kinds;  // what the other kinds of plan would have cost
  double fe = 1, fc = 1;
  bool sends() const { return prepared && prepared->sends(); }
};

class EdgeSession {
 public:
  // `model`, `executor` and `client` must outlive the session.
  EdgeSession(const graph::Model& model, exec::Executor& executor, net::Client& client, Controller controller,
              std::string model_name, bool throughput);
  ~EdgeSession();

  // The plan for this frame at `bps`; `cloud_up` false: the whole model here.
  Decision decide(double bps, double rtt_ms, bool cloud_up);
  // Measured head / tail / queue times of a frame that ran `plan`.
  void observe(int plan, double head_ms, double tail_ms, double queue_ms);
  void observe_load(double load);

  // Prepares every candidate not prepared yet, now (start-up, join).
  Status prepare_all();
  // Loads every prepared tail on the server again (after a restart).
  bool reload_tails();
  Status load_tail(const PreparedPlan& p);

  // Runs `f` with the controller under the session's lock.
  template <typename F>
  auto with_controller(F f) {
    std::lock_guard lock(mu_);
    return f(controller_);
  }

  // What the server gives (null: edgecut's own server, tails built on request).
  void set_view(std::shared_ptr<const ServerView> view);

  // Prepared plans so far (tests, logs).
  size_t prepared_count() const;
  const std::string& model_name() const { return model_name_; }

 private:
  Expected<PreparedPlan> prepare(const Candidate& c);
  void request_prepare();  // caller holds mu_
  void worker();

  const graph::Model& model_;
  exec::Executor& executor_;
  net::Client& client_;
  std::string model_name_;
  bool throughput_;  // plans compare by period, not latency
  mutable std::mutex mu_;
  Controller controller_;
  std::vector<std::shared_ptr<const PreparedPlan>> prepared_;  // by candidate index; null: not yet
  int current_ = -1;
  std::mutex prep_mu_;  // one preparation at a time (worker or prepare_all)
  std::condition_variable cv_;
  bool want_prepare_ = false, stop_ = false;
  std::string prepare_error_;               // the last failed preparation, for the log
  std::shared_ptr<const ServerView> view_;  // under mu_
  std::thread worker_;
};

}  // namespace edgecut::runtime
