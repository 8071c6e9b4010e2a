// Measured latency profiles: three methods that drive any exec::Executor.
//
//   isolated   every node run as its own one-node segment (what earlier
//              partitioners do); over-predicts fused runs: the engine cannot
//              fuse across segment borders and every run pays its overhead.
//              (method_isolated.cpp)
//   layerwise  the engine's own per-layer timing of the whole net
//              (Executor::last_run_node_ms); fused layers read 0 and the
//              per-run overhead is nobody's, so sums under-predict.
//              (method_layerwise.cpp)
//   segment    fusion-aware (QDMP's measurement idea, extended to tails):
//              time what production runs — for B boundary positions i of the
//              topological order, the prefix P_i = topo[0..i] (a head) and its
//              complement S_i (the matching tail), plus the whole net T — and
//              derive per-node weights w so that sum_{P_i} w ~ T(P_i) and
//              sum_{S_i} w ~ T(S_i). (method_segment.cpp)
//
// The building blocks each have their own header: the round-robin, paired
// timer (segment_timer.h), the drift corrections (drift.h), the choice of
// boundaries and the weight derivation (boundaries.h). docs/design.md,
// "Measurement", says why segments are timed this way.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/executor.h"
#include "graph/graph.h"
#include "profile/measure_options.h"
#include "profile/profile.h"

namespace edgecut::profile {

using exec::Executor;

// Makes a fresh executor (the segment method uses one per batch so that the
// memory of prepared segments goes away with it).
using ExecutorFactory = std::function<Expected<std::unique_ptr<Executor>>()>;

const std::vector<std::string>& method_names();  // isolated, layerwise, segment

// Runs `method` on `ex`. The result's device is "unknown" (the caller names
// it); threads = ex.threads(); extra holds the method's statistics
// ("whole" summary, per-segment medians and spreads, retries, seconds).
Expected<Profile> measure(const std::string& method, const ExecutorFactory& make, const graph::Graph& g,
                          const MeasureOptions& options);

}  // namespace edgecut::profile
