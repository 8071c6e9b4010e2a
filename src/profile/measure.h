// Measured latency profiles: three methods that drive any exec::Executor.
//
//   isolated   every node run as its own one-node segment (what earlier
//              partitioners do); over-predicts fused runs: the engine cannot
//              fuse across segment borders and every run pays its overhead.
//   layerwise  the engine's own per-layer timing of the whole net
//              (Executor::last_run_node_ms); fused layers read 0 and the
//              per-run overhead is nobody's, so sums under-predict.
//   segment    fusion-aware (QDMP's measurement idea, extended to tails):
//              time what production runs — for B boundary positions i of the
//              topological order, the prefix P_i = topo[0..i] (a head) and its
//              complement S_i (the matching tail), plus the whole net T — and
//              derive per-node weights w so that sum_{P_i} w ~ T(P_i) and
//              sum_{S_i} w ~ T(S_i). See derive_segment_weights().
//
// Boundaries are chosen by choose_boundaries(): both ends (the first node
// alone, the last node alone, so per-run overheads land on the nodes every
// head / tail contains), then the widest remaining gap in expected time is
// split, snapping to a cut vertex of the DAG when one is near (the partitioners
// cut at or near cut vertices), otherwise at a topological position inside the
// block (dense / inception blocks). B follows from a time budget.
//
// Timing: every segment is warmed up, then all segments are run round-robin
// (one run of each per round) so that slow phases of a shared machine hit all
// of them alike and differences stay meaningful; each time is the median of
// `repeat` runs; segments whose spread (relative IQR) exceeds max_spread get up
// to max_retries more batches of rounds. Inputs are random N(0, 1) tensors.
//
// Pairing: the machine's speed drifts by up to 40% within seconds (measured
// on this 2-vCPU VM: the same net, same process, 88 ms in one second and
// 140 ms a few seconds later; see README "Measuring on a noisy machine").
// Segments that must be compared (a prefix and its suffix; a plan's head,
// its tail and the whole net) form a group whose members run back to back in
// every round, so per-round ratios between them cancel the drift; a batch-
// level median cannot, because the drift is faster than a batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/executor.h"
#include "graph/graph.h"
#include "profile/profile.h"
#include "profile/stats.h"

namespace edgecut::profile {

using exec::Executor;
using exec::SegmentId;
using exec::Tensor;

// fraction in [0, 1] of the planned work done, and what is being measured.
using ProgressFn = std::function<void(double fraction, const std::string& note)>;

struct MeasureOptions {
  int repeat = 9;            // timed runs per segment (median)
  int warmup = 1;            // untimed runs per segment first (whole net: +1)
  double max_spread = 0.10;  // relative IQR above which a segment is re-measured
  int max_retries = 2;       // extra batches of `repeat` rounds for wide segments
  double budget_s = 35;      // segment: measuring-time target that sets B (and ends retries)
  int max_boundaries = 48;   // segment: upper bound on B (memory: 2B segments stay prepared)
  int min_boundaries = 8;    // segment: lower bound on B (if the model has that many positions)
  double quantile = 0.5;     // the statistic kept per segment: 0.5 = median
  // segment: a prepared segment holds one copy of its weights (OpenCV's Net;
  // measured: 104 MB of RSS per ResNet-50 instance of 102 MB of weights), so
  // every prefix + suffix pair holds about 1.3x the model's weights with
  // activations; boundaries are measured in batches (each with a fresh
  // executor, normalised to each other) so that this is not exceeded. One
  // batch is best: every boundary's rounds then span the whole measurement
  // and see the same phases of a drifting machine.
  double memory_bytes = 3e9;
  uint64_t seed = 1;    // random inputs
  ProgressFn progress;  // may be empty
  // No retry batch starts after this time (the segment method sets it from
  // its budget so that a noisy machine cannot stretch profiling without end).
  std::chrono::steady_clock::time_point retry_until = std::chrono::steady_clock::time_point::max();
};

// Makes a fresh executor (the segment method uses one per batch so that the
// memory of prepared segments goes away with it).
using ExecutorFactory = std::function<Expected<std::unique_ptr<Executor>>()>;

const std::vector<std::string>& method_names();  // isolated, layerwise, segment

// Runs `method` on `ex`. The result's device is "unknown" (the caller names
// it); threads = ex.threads(); extra holds the method's statistics
// ("whole" summary, per-segment medians and spreads, retries, seconds).
Expected<Profile> measure(const std::string& method, const ExecutorFactory& make, const graph::Graph& g,
                          const MeasureOptions& options);

// ---- building blocks, exposed for tests and for bench accuracy ----

// Round-robin timer over prepared segments.
class SegmentTimer {
 public:
  SegmentTimer(Executor* ex, const graph::Graph* g, uint64_t seed);
  // Prepares `nodes` (through the executor's cache) and makes its inputs.
  // `cost_ms` is a guess of one run's time, for progress only. `group`: an id
  // chosen by the caller; members of one group run back to back, in the order
  // added, in every round, and their samples are aligned (samples(i)[r] and
  // samples(j)[r] come from the same round). -1: a group of its own. The same
  // node set may be added more than once (one prepared segment, separate
  // samples), e.g. the whole net as the reference of several groups.
  Expected<int> add(const std::vector<graph::NodeId>& nodes, std::string label, double cost_ms = 1,
                    int group = -1);
  // Collect Executor::last_run_node_ms after every timed run of segment i.
  void collect_layer_times(int i) { layer_.at(i) = 1; }
  // Warm-up, `repeat` round-robin rounds, then retries of groups with a wide
  // member (the whole group, so that samples stay aligned).
  // progress: from `from` to `to` of the caller's whole job.
  Status measure(const MeasureOptions& o, double from = 0, double to = 1);

  int size() const { return static_cast<int>(segs_.size()); }
  const std::string& label(int i) const { return segs_[i].label; }
  const std::vector<double>& samples(int i) const { return segs_[i].samples; }
  Summary summary(int i) const { return summarize(segs_[i].samples); }
  // The kept statistic (MeasureOptions::quantile of the samples).
  double estimate(int i, double q) const { return quantile(segs_[i].samples, q); }
  int retries(int i) const { return segs_[i].retries; }
  // Quantile q over rounds of samples(i)[r] / sum_{j in over} samples(j)[r]:
  // the drift-free share of i in the runs of `over` (all in i's group).
  // Precondition: every segment in `over` is in i's group.
  double paired_ratio(int i, const std::vector<int>& over, double q) const;
  // Per-node median of the collected layer times (graph node ids); empty if
  // none were collected; kUnsupported from the engine is reported as empty.
  std::vector<double> layer_median(int i) const;
  // Every collected layer-time run of segment i, aligned with samples(i).
  const std::vector<std::vector<double>>& layer_runs(int i) const { return segs_[i].layer_runs; }
  bool layer_unsupported() const { return layer_unsupported_; }
  nlohmann::json to_json(int i) const;

 private:
  struct Seg {
    SegmentId id = -1;
    std::string label;
    std::vector<Tensor> inputs;
    double cost_ms = 1;
    std::vector<double> samples;
    std::vector<std::vector<double>> layer_runs;
    int retries = 0;
    int group = -1;
  };
  Status run_once(Seg& s, bool timed, bool layers);

  Executor* ex_;
  const graph::Graph* g_;
  uint64_t seed_;
  std::vector<Seg> segs_;
  std::vector<char> layer_;
  bool layer_unsupported_ = false;
};

// The timed runs of one segment, with the engine's per-layer times of each.
struct Runs {
  std::vector<graph::NodeId> nodes;
  std::vector<double> ms;                   // per run
  std::vector<std::vector<double>> layers;  // per run: per graph node ms (0: fused away)
};

// Maps runs made in different states of a drifting machine to one reference
// state. The machine's speed changes by up to 40% within seconds, and not
// uniformly (memory-bound layers suffer more from loaded neighbours than
// compute-bound ones), so no single factor per run or batch can undo it. The
// engine's own per-layer times can: a run's state factor is the sum of its
// nodes' layer times in that run over the sum of their reference times (the
// per-node median over every run of every segment that holds the node), and
// the run's time divided by it is the time it would have taken in the
// reference state. Not ok() when any run lacks layer times. O(runs x nodes).
class StateNormaliser {
 public:
  StateNormaliser(int n, const std::vector<const Runs*>& runs);
  bool ok() const { return ok_; }
  const std::vector<double>& reference() const { return ref_; }  // per node ms
  // Quantile q of r's run times mapped to the reference state.
  double estimate(const Runs& r, double q) const;

 private:
  std::vector<double> ref_;
  bool ok_ = false;
};

// Chooses `count` boundary positions in [0, n-2] (n = shape.size(); the
// prefix through position i is a head, the rest its tail), ascending. shape:
// expected time per topological position; is_cut: per position, whether that
// node is a cut vertex. Includes 0 and n-2, then repeatedly splits the widest
// gap in cumulative shape, at a cut vertex within a quarter of the gap from
// its middle if any, else at the position nearest the middle. O(count * n).
std::vector<int> choose_boundaries(const std::vector<double>& shape, const std::vector<char>& is_cut,
                                   int count);

struct Boundary {
  int pos = 0;           // last topological position of the prefix
  double prefix_ms = 0;  // measured T(P_pos)
  double suffix_ms = 0;  // measured T(S_pos)
};

struct Derivation {
  std::vector<double> weights;   // per topological position, >= 0
  double total_ms = 0;           // sum of weights = whole + split_overhead
  double split_overhead_ms = 0;  // median over boundaries of T(P)+T(S)-T(whole), >= 0
  std::vector<double> knots_ms;  // cumulative weight at each boundary (after isotonic fit)
};

// Weights from segment times. With W = whole + split_overhead (a split run
// pays the engine's per-run cost twice), the cumulative weight through
// boundary i has two estimates, T(P_i) and W - T(S_i); C_i is their average
// weighted by inverse relative variance (1/T(P_i)^2, 1/T(S_i)^2), so the
// shorter side of each cut is predicted closely and the longer side absorbs
// the boundary's deviation from the median split cost (a small share of it).
// The C_i are made non-decreasing (isotonic fit, C = 0 before position 0 and
// W after n-1) and each gap C_b - C_a is spread over positions a+1..b in
// proportion to `shape` (equally where the shape sums to 0). Boundaries must
// be ascending in [0, n-2]; others are skipped. O(n + B).
Derivation derive_segment_weights(double whole_ms, const std::vector<Boundary>& boundaries,
                                  const std::vector<double>& shape);

}  // namespace edgecut::profile
