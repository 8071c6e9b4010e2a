// Drift corrections for timings on a machine whose speed changes while it is
// measured (docs/design.md, "Measurement"):
//
//   paired_ratio     a segment's share of runs made back to back with it in
//                    the same round; the share is free of the drift.
//   StateNormaliser  maps every run to one reference state of the machine
//                    with the engine's per-layer times of that run.
//
// Pure functions of recorded runs; no timing happens here.
#pragma once

#include <vector>

#include "graph/graph.h"

namespace edgecut::profile {

// The timed runs of one segment, with the engine's per-layer times of each.
struct Runs {
  std::vector<graph::NodeId> nodes;
  std::vector<double> ms;                   // per run
  std::vector<std::vector<double>> layers;  // per run: per graph node ms (0: fused away)
};

// Quantile q over rounds r < num.size() of num[r] / sum_{s in over} s[r]
// (a missing s[r] counts 0; rounds with a zero sum are skipped). `num` and
// every series in `over` come from the same rounds. O(rounds x |over|).
double paired_ratio(const std::vector<double>& num, const std::vector<const std::vector<double>*>& over,
                    double q);

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
  // Precondition: every run's layer vectors have n entries (else not ok()).
  StateNormaliser(int n, const std::vector<const Runs*>& runs);
  bool ok() const { return ok_; }
  const std::vector<double>& reference() const { return ref_; }  // per node ms
  // Quantile q of r's run times mapped to the reference state.
  double normalised_quantile_ms(const Runs& r, double q) const;

 private:
  std::vector<double> ref_;
  bool ok_ = false;
};

}  // namespace edgecut::profile
