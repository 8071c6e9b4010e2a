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
  int blocks_solved = 0;    // most blocks qdmp ran max-flow on, over the bandwidths
  int envelope_pieces = 0;  // plans optimal somewhere in [0.1 Mbps, 1 Gbps]
  double qdmp_scratch = 0;  // structure analysed for every call
  // Cold single-shot decision: costs it has not seen (a Qdmp priced for
  // them, O(V)) at one bandwidth, the structure analysed once per model.
  double qdmp_cold = 0;
  double qdmp_redecide = 0;  // priced before too: a new bandwidth only
  double analyze = 0;        // QdmpStructure::analyze alone
  double dads_fixed = 0, neurosurgeon = 0;
  double dads_fixed_shared = 0;  // dads-fixed on the extended DAG analysed once, like qdmp_cold
  double dads_fixed_lemon = 0;   // LEMON's Preflow on dads-fixed's whole-graph network, flow only
  double envelope_build = 0, envelope_lookup = 0;
  // The runtime's rebuild after a drift correction (costs x 1.25 / x 0.8 on
  // the two sides, alternating): a new Qdmp and the envelope over
  // [0.1 Mbps, 1 Gbps], with the structure analysed again or re-priced only.
  double rebuild_analyze = 0, rebuild_reprice = 0;
};

// `label` names the model in errors. Precondition: min_ms > 0.
Expected<SolveTimes> bench_solve(const graph::Graph& g, const std::string& label, double min_ms);

// The --json contract's entry of one model.
nlohmann::json to_json(const SolveTimes& t);

// Throughput objective (partition/throughput.h), same costs and bandwidths.
// Before timing, ours must be exact and no worse than DSH at every bandwidth
// (kInternal otherwise). Times per call in microseconds.
struct ThroughputSolveTimes {
  std::string model;
  int nodes = 0, blocks = 0;
  int blocks_searched = 0;          // most blocks searched, over the bandwidths
  int64_t bb_nodes = 0;             // most branch-and-bound nodes, over the bandwidths
  bool exact = true;                // every solve finished within its budget
  double ours_scratch = 0;          // structure built for every call
  double ours_redecide = 0;         // structure reused
  double dsh = 0;                   // DSH: the whole-graph min-cut (dads-fixed) at rtt 0
  double dsh_over_ours_period = 0;  // worst ratio of DSH's period to ours over the bandwidths
  int envelope_pieces = 0;
};

Expected<ThroughputSolveTimes> bench_solve_throughput(const graph::Graph& g, const std::string& label,
                                                      double min_ms);
nlohmann::json to_json(const ThroughputSolveTimes& t);

}  // namespace edgecut::eval
