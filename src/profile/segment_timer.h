// SegmentTimer: times prepared segments of one executor round-robin, in
// groups whose members run back to back in every round.
//
// Every segment is warmed up, then all segments are run round-robin (one run
// of each per round) so that slow phases of a shared machine hit all of them
// alike and differences stay meaningful; each time is a quantile (median by
// default) of `repeat` runs; groups with a member whose spread (relative IQR)
// exceeds max_spread get up to max_retries more batches of rounds. Inputs are
// random N(0, 1) tensors, or real values where a segment reads a non-float
// tensor (exec::segment_inputs).
//
// Pairing: the machine's speed drifts by up to 40% within seconds, so
// segments that must be compared (a prefix and its suffix; a plan's head,
// its tail and the whole net) form a group; per-round ratios between them
// cancel the drift (docs/design.md, "Measurement").
//
// Cost: a round runs every segment once; memory: every added segment stays
// prepared in the executor until the timer and executor go.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/executor.h"
#include "graph/graph.h"
#include "profile/measure_options.h"
#include "profile/stats.h"

namespace edgecut::profile {

class SegmentTimer {
 public:
  // Precondition: ex and g outlive the timer.
  SegmentTimer(exec::Executor* ex, const graph::Graph* g, uint64_t seed);
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
  // Quantile q of segment i's run times (the kept statistic when q is
  // MeasureOptions::quantile).
  double quantile_ms(int i, double q) const { return quantile(segs_[i].samples, q); }
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
    exec::SegmentId id = -1;
    std::string label;
    std::vector<exec::Tensor> inputs;
    double cost_ms = 1;
    std::vector<double> samples;
    std::vector<std::vector<double>> layer_runs;
    int retries = 0;
    int group = -1;
  };
  Status run_once(Seg& s, bool timed, bool layers);
  // Segment indices per group, groups in order of first appearance.
  std::vector<std::vector<int>> groups() const;

  exec::Executor* ex_;
  const graph::Graph* g_;
  uint64_t seed_;
  std::vector<Seg> segs_;
  std::vector<char> layer_;
  bool layer_unsupported_ = false;
};

}  // namespace edgecut::profile
