// Controller: which plan each frame runs, for the bandwidth measured now.
//
// Holds the candidate plans of one algorithm over a bandwidth range and
// prices each as a line in 1/B with the side corrections applied:
//   T(S, B) = fe * E(S) + fc * C(S) + up(S) * 8 / B + [C(S) > 0] (rtt + down(S) * 8 / Bd)
// where E / C are the profiles' edge and cloud times of the plan and fe / fc
// the running ratios of measured to profiled time per side (machines drift:
// a profile minutes old can be 20% off). For qdmp the candidates are the
// bandwidth envelope (partition/envelope.h), rebuilt when a correction moves
// by more than `rebuild_shift`; for the baselines, the algorithm's own plan
// on a log-spaced bandwidth grid, looked up at the nearest grid point, so a
// baseline behaves at run time exactly as it decides.
//
// Pipelined (throughput), the period is the slowest of edge, up, cloud and
// down, the edge stage including the CPU that sending takes there
// (set_send_cost). The exact solver does not see that term; the candidates
// are its envelope plus edge-only, and choose() compares them with it.
//
// Hysteresis: a frame keeps the current plan unless another is predicted
// faster by more than `hysteresis` (relative) at the current estimate, so
// noise in the estimate does not make the plan flap. choose() is O(plans).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"
#include "partition/cost_model.h"

namespace edgecut::runtime {

struct Candidate {
  std::vector<graph::NodeId> edge_nodes;  // ascending, predecessor-closed
  std::string origin;                     // "qdmp", "dads@5.0Mbps", "fixed#2", ...
  double edge_ms = 0;                     // E(S) from the profile
  double cloud_ms = 0;                    // C(S)
  int64_t up_bytes = 0;                   // tensors that cross (graph inputs read in the cloud included)
  int64_t down_bytes = 0;                 // graph outputs computed in the cloud
  bool repaired = false;                  // the algorithm's set was not closed; closed here
  // Crossing tensors sent encoded (partition/encodings.h), by value; the rest
  // go as fp32. up_bytes then counts encoded bytes; codec_ms is their encode +
  // decode time, raw_up_bytes the fp32 size.
  std::vector<std::pair<graph::ValueId, std::string>> encodings;
  double codec_ms = 0;
  int64_t raw_up_bytes = 0;
  bool has_cloud() const { return cloud_ms > 0 || up_bytes > 0; }
};

struct ControllerOptions {
  std::string algo = "qdmp";  // qdmp, dads, dads-fixed, neurosurgeon, edge-only, cloud-only, fixed
  std::vector<std::vector<graph::NodeId>> fixed_plans;  // for "fixed"
  // Per fixed plan (may be shorter): its tensors' encodings from the plan file.
  std::vector<std::vector<std::pair<graph::ValueId, std::string>>> fixed_encodings;
  // Encodings qdmp may price (null: fp32 only); the baselines ignore them.
  std::shared_ptr<const partition::EncodingTable> encodings;
  double min_bps = 0.25e6;
  double max_bps = 2e9;
  double downlink_ratio = 1.0;  // downlink / uplink
  double hysteresis = 0.05;
  double correction_alpha = 0.25;  // EWMA weight of a new observation
  double rebuild_shift = 0.10;
  int grid_points = 48;
  // Throughput (run --mode stream): plans minimise the slowest pipeline stage
  // (partition/throughput.h) and choose() compares Prediction::period_ms;
  // "qdmp" then means the exact bottleneck solver's envelope, "dsh" DADS's
  // heavy-load plan.
  bool throughput = false;
  // "" when the server can give a candidate's tail, else why not
  // (runtime/server_view.h); such a candidate is replaced by edge-only and
  // listed in dropped(). Null: every candidate is available.
  std::function<std::string(const Candidate&)> unavailable;
};

struct Prediction {
  double edge_ms = 0, up_ms = 0, down_ms = 0, rtt_ms = 0, cloud_ms = 0, total_ms = 0;
  double period_ms = 0;  // pipelined: max(edge, up, cloud, down)
};

class Controller {
 public:
  // edge_ms / cloud_ms: profile times per node. `g` must outlive the controller.
  static Expected<Controller> create(const graph::Graph& g, std::vector<double> edge_ms,
                                     std::vector<double> cloud_ms, const ControllerOptions& options,
                                     double rtt_ms);

  const std::vector<Candidate>& candidates() const { return candidates_; }
  // Index of the plan to run at `bps`, with hysteresis against `current` (-1: none yet).
  int choose(double bps, int current) const;
  // The plan's predicted latency at `bps`; corrected = false uses the raw profiles.
  Prediction predict(int plan, double bps, bool corrected = true) const;

  // Measured head / tail times of `plan` (tail: the server's engine time;
  // queue: its wait for a slot); update the corrections. The cloud factor is
  // compute drift x (1 + queue / compute): an overloaded server looks slower,
  // so plans move toward the edge. Returns true when the candidates were
  // rebuilt (new plans may need preparing).
  bool observe(int plan, double head_ms, double tail_ms, double queue_ms = 0);
  // The server's reported load (waiting requests per slot) while no tail
  // runs there: the queue part of the cloud factor follows it, so plans come
  // back when the load ends. Returns true when rebuilt.
  bool observe_load(double load);
  // Sets the corrections outright (from timing the whole model on each side
  // at start) and rebuilds the candidates.
  Status calibrate(double edge_factor, double cloud_factor);
  void set_rtt(double rtt_ms) { rtt_ms_ = rtt_ms; }
  // What sending costs the edge's own CPU, in wall ms of its edge stage:
  // per request plus per byte (gRPC framing, copies, syscalls; measured at
  // start, EdgeClient::calibrate). Pipelined, the sender shares the edge's
  // CPU with the head, so a plan that sends has a longer edge stage than
  // its head alone: predict() adds it there in throughput mode, where a
  // split that saves a node or two of head time can otherwise look better
  // than edge-only and run slower (issue 11, googlenet at 5 Mbit/s).
  void set_send_cost(double per_request_ms, double per_byte_ms);
  double send_request_ms() const { return send_request_ms_; }
  double send_byte_ms() const { return send_byte_ms_; }
  // Sums of the profiles' times over all nodes.
  double total_edge_ms() const;
  double total_cloud_ms() const;
  double rtt_ms() const { return rtt_ms_; }
  double edge_factor() const { return fe_; }
  double cloud_factor() const { return fc_; }
  // Plans dropped because the server cannot give their tails, each once:
  // "<origin>, <n> edge nodes: <why>".
  const std::vector<std::string>& dropped() const { return dropped_; }
  // Index of the candidate with exactly this edge set, or -1.
  int find(const std::vector<graph::NodeId>& edge_nodes) const;
  // ... and these encodings.
  int find(const std::vector<graph::NodeId>& edge_nodes,
           const std::vector<std::pair<graph::ValueId, std::string>>& encodings) const;

 private:
  Status rebuild();
  Candidate describe(std::vector<graph::NodeId> edge, std::string origin,
                     std::vector<std::pair<graph::ValueId, std::string>> encodings = {}) const;
  int add(Candidate c);

  const graph::Graph* g_ = nullptr;
  std::vector<double> te_, tc_;
  ControllerOptions o_;
  double rtt_ms_ = 0;
  bool maybe_rebuild();

  double send_request_ms_ = 0, send_byte_ms_ = 0;  // set_send_cost
  double fe_ = 1, fc_ = 1;                         // fc_ = fcc_ * (1 + queue_)
  double fcc_ = 1;                                 // cloud compute drift
  double queue_ = 0;                               // cloud queue wait / compute time (EWMA)
  double built_fe_ = 1, built_fc_ = 1;
  std::vector<Candidate> candidates_;  // only grows: indices stay valid across rebuilds
  std::vector<int> active_;            // candidates of the current build
  std::vector<double> grid_bps_;       // baselines: grid_plan_[i] is the plan at grid_bps_[i]
  std::vector<int> grid_plan_;
  std::vector<std::string> dropped_;
};

}  // namespace edgecut::runtime
