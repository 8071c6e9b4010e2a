// Controller: which plan each frame runs, for the bandwidth measured now.
//
// Holds the candidate plans of one algorithm over a bandwidth range and
// prices each through partition::CostModel (one pricing: the plan's line
// CostModel::line(), priced by partition::price() with the side corrections):
//   T(S, B) = fe * E(S) + fc * C(S) + up(S) * 8 / B + [S sends] (rtt + down(S) * 8 / Bd)
// where E / C are the profiles' edge and cloud times of the plan and fe / fc
// the running ratios of measured to profiled time per side (machines drift:
// a profile minutes old can be 20% off). For qdmp the candidates are the
// bandwidth envelope (partition/envelope.h) of the corrected costs, rebuilt
// when a correction moves by more than `rebuild_shift`; the structure
// analysis (cut vertices, blocks) is made once at create() and reused by
// every rebuild, which only re-prices it (O(V) plus the envelope's solves).
// For the baselines, the algorithm's own plan on a log-spaced bandwidth
// grid, looked up at the nearest grid point, so a baseline behaves at run
// time exactly as it decides.
//
// A rebuild is transactional: it builds into locals and swaps them in on
// success; on failure the active plans and the corrections stay as they
// were and the error is returned (correct(), correct_load(), calibrate()).
//
// Pipelined (throughput), the period is the slowest of edge, up, cloud and
// down, the edge stage including the CPU that sending takes there
// (set_send_cost). The exact solver does not see that term; the candidates
// are its envelope plus edge-only, and choose() compares them with it.
//
// Hysteresis: a frame keeps the current plan unless another is predicted
// faster by more than `hysteresis` (relative) at the current estimate, so
// noise in the estimate does not make the plan flap. choose() is O(plans).
// Not thread-safe: one owner calls it (the edge session's lock).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"
#include "partition/cost_model.h"
#include "partition/qdmp.h"
#include "partition/throughput.h"

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
  // The same plan as the cost model prices it (the fields above come from it).
  partition::PlanLine line;
  bool has_cloud() const { return line.remote; }
};

struct ControllerOptions {
  std::string algo = "qdmp";  // one of Controller::algorithm_names(throughput), or "fixed"
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

// What the other kinds of plan would have cost a frame (the demo's per-phase
// comparison): the best corrected prediction (latency, or period when
// pipelined) among the active candidates of each kind; -1 where the build
// has none of that kind (a plan optimal nowhere in the range is no candidate).
struct PlanKinds {
  double edge_only_ms = -1;
  double cloud_only_ms = -1;  // its best input encoding among the candidates
  double cut_ms = -1;         // the best interior cut
  std::string cut;            // that cut's origin and edge-node count
};

class Controller {
 public:
  // edge_ms / cloud_ms: profile times per node. `g` must outlive the controller.
  static Expected<Controller> create(const graph::Graph& g, std::vector<double> edge_ms,
                                     std::vector<double> cloud_ms, const ControllerOptions& options,
                                     double rtt_ms);

  // The algorithms create() accepts besides "fixed": partition's (latency or
  // throughput), less brute force; in throughput "qdmp" is the exact
  // bottleneck solver. The one list the CLI's --algo checks against.
  static const std::vector<std::string>& algorithm_names(bool throughput);

  const std::vector<Candidate>& candidates() const { return candidates_; }
  // Indices of the candidates of the current build (choose() picks among them).
  const std::vector<int>& active() const { return build_.active; }
  // Index of the plan to run at `bps`, with hysteresis against `current` (-1: none yet).
  // With `usable`, only candidates it accepts (plans prepared so far): a
  // baseline's grid pick it refuses gives way to the fastest it accepts; -1
  // when it accepts none.
  int choose(double bps, int current, const std::function<bool(int)>& usable = {}) const;
  // O(plans), as choose().
  PlanKinds kinds(double bps) const;
  // The plan's predicted latency at `bps` (at least 1 kbit/s); corrected =
  // false uses the raw profiles.
  Prediction predict(int plan, double bps, bool corrected = true) const;

  // Measured head / tail times of `plan` (tail: the server's engine time;
  // queue: its wait for a slot); update the corrections. The cloud factor is
  // compute drift x (1 + queue / compute): an overloaded server looks slower,
  // so plans move toward the edge. Returns true when the candidates were
  // rebuilt (new plans may need preparing); an error for a bad plan index, a
  // non-finite time, or a failed rebuild (then nothing changed).
  Expected<bool> correct(int plan, double head_ms, double tail_ms, double queue_ms = 0);
  // The server's reported load (waiting requests per slot) while no tail
  // runs there: the queue part of the cloud factor follows it, so plans come
  // back when the load ends. Returns true when rebuilt; errors as correct().
  Expected<bool> correct_load(double load);
  // The same, for callers that only want "rebuilt": an error returns false
  // and is kept in last_error() (ok after the next success).
  bool observe(int plan, double head_ms, double tail_ms, double queue_ms = 0);
  bool observe_load(double load);
  const Status& last_error() const { return last_error_; }
  // Plans dropped because the server cannot give their tails, each once:
  // "<origin>, <n> edge nodes: <why>".
  const std::vector<std::string>& dropped() const { return dropped_; }
  // Sets the corrections outright (from timing the whole model on each side
  // at start) and rebuilds the candidates; on failure nothing changes.
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
  double edge_factor() const { return k_.fe; }
  double cloud_factor() const { return k_.fc(); }
  // Index of the candidate with exactly this edge set, or -1.
  int find(const std::vector<graph::NodeId>& edge_nodes) const;
  // ... and these encodings.
  int find(const std::vector<graph::NodeId>& edge_nodes,
           const std::vector<std::pair<graph::ValueId, std::string>>& encodings) const;

 private:
  // The drift corrections: fe, and fc = fcc * (1 + queue).
  struct Corrections {
    double fe = 1;     // edge drift
    double fcc = 1;    // cloud compute drift
    double queue = 0;  // cloud queue wait / compute time (EWMA)
    double fc() const { return fcc * (1 + queue); }
  };
  // What one rebuild makes; swapped in whole.
  struct Build {
    std::vector<int> active;       // candidates of this build
    std::vector<double> grid_bps;  // baselines: grid_plan[i] is the plan at grid_bps[i]
    std::vector<int> grid_plan;
    Corrections at;  // the corrections it was built with
  };
  // New candidates a build adds, appended to candidates_ only on success.
  struct Pending {
    const std::vector<Candidate>& known;
    std::vector<Candidate> added;
    Build build;
    int add(Candidate c);  // index in known + added; marks it active
  };

  Status rebuild();
  Status build_plans(Pending* out) const;
  Status build_grid(const partition::CostModel& cm, partition::Network net, Pending* out) const;
  Expected<bool> apply(const Corrections& before);
  Candidate describe(std::vector<graph::NodeId> edge, std::string origin,
                     std::vector<std::pair<graph::ValueId, std::string>> encodings = {}) const;

  const graph::Graph* g_ = nullptr;
  ControllerOptions o_;
  double rtt_ms_ = 0;
  // The profiles' costs, uncorrected (shared: addresses survive a move).
  std::shared_ptr<const partition::CostModel> profile_;
  std::shared_ptr<const partition::QdmpStructure> structure_;         // qdmp (latency): analysed once
  std::shared_ptr<const partition::ThroughputStructure> tstructure_;  // qdmp (throughput): the same
  double send_request_ms_ = 0, send_byte_ms_ = 0;                     // set_send_cost
  Corrections k_;
  Build build_;
  std::vector<Candidate> candidates_;  // only grows: indices stay valid across rebuilds
  Status last_error_;
  // A log, not state: describe() (const, called while building) notes there
  // what it replaced by edge-only.
  mutable std::vector<std::string> dropped_;
};

}  // namespace edgecut::runtime
