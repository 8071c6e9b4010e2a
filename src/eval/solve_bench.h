// Solve-time benchmark: how long the partitioners take to decide on one
// model, with the baselines timed in the same process.
//
// Costs come from FLOPs (edge 20, cloud 400 GFLOP/s, 30 us per node), 20
// bandwidths from 0.1 Mbps to 1 Gbps (rtt 20 ms). Before timing, qdmp must
// equal dads-fixed at every bandwidth (kInternal otherwise): the benchmark
// refuses to time a wrong answer. Each time is the median of 5 rounds, each
// round at least min_ms / 5 of calls cycling over the bandwidths.
//
// Cost: about 6 x min_ms of timing per model, plus one envelope build.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::eval {

// Times per call in microseconds.
struct SolveTimes {
  std::string model;
  int nodes = 0, cut_vertices = 0;
  int blocks_solved = 0;     // most blocks qdmp ran max-flow on, over the bandwidths
  int envelope_pieces = 0;   // plans optimal somewhere in [0.1 Mbps, 1 Gbps]
  double qdmp_scratch = 0;   // structure built for every call
  double qdmp_redecide = 0;  // structure reused: a new bandwidth only
  double dads_fixed = 0, neurosurgeon = 0;
  double dads_fixed_lemon = 0;  // LEMON's Preflow on dads-fixed's whole-graph network, flow only
  double envelope_build = 0, envelope_lookup = 0;
};

// `label` names the model in errors. Precondition: min_ms > 0.
Expected<SolveTimes> bench_solve(const graph::Graph& g, const std::string& label, double min_ms);

// The --json contract's entry of one model.
nlohmann::json to_json(const SolveTimes& t);

}  // namespace edgecut::eval
