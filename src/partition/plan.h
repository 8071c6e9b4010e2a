// Plan: which nodes run on the edge, what crosses the network, what it costs.
#pragma once

#include <string>
#include <vector>

#include "graph/structure.h"
#include "partition/cost_model.h"

namespace edgecut::partition {

// What a plan minimises: one frame's end-to-end latency (Breakdown::total_ns)
// or, for a pipelined stream, the slowest stage (bottleneck_ns(), see
// throughput.h).
enum class Objective { kLatency, kThroughput };

// max(edge, uplink, downlink, cloud): the period of a pipelined stream. rtt
// is excluded: it delays frames but does not limit their rate.
int64_t bottleneck_ns(const Breakdown& b);

struct Plan {
  std::string algo;
  Objective objective = Objective::kLatency;
  double bandwidth_bps = 0;
  std::vector<char> on_edge;               // per node
  std::vector<NodeId> edge_nodes;          // ascending ids
  std::vector<ValueId> cut_values;         // edge -> cloud tensors (graph inputs included)
  std::vector<std::string> cut_encodings;  // per cut value: what it is sent as ("fp32", "int8+zstd")
  std::vector<double> cut_encoded_bytes;   // per cut value: bytes per frame on the wire
  std::vector<ValueId> reverse_values;     // cloud -> edge tensors: only in invalid plans
  Breakdown predicted;                     // from CostModel::evaluate, the oracle
  int64_t claimed_ns = 0;  // the algorithm's own total (its cut value); == predicted if honest
  double solve_us = 0;
  // Throughput plans: false when a block was too large to search to the end
  // in the node budget; the optimum then lies in [lower_bound_ns, claimed_ns].
  bool exact = true;
  int64_t lower_bound_ns = 0;

  bool valid() const { return reverse_values.empty(); }
  // The objective's value as the oracle prices it.
  int64_t objective_ns() const {
    return objective == Objective::kLatency ? predicted.total_ns : bottleneck_ns(predicted);
  }
  bool mispriced() const { return claimed_ns != objective_ns(); }
};

// Uplink time of every tensor that node v makes and some node reads (v =
// st.source(): the graph inputs): what a cut right after cut vertex v sends.
// qdmp and the throughput solver price their cut-vertex boundaries with it.
int64_t outputs_up_ns(const Graph& g, const graph::Structure& st, int32_t v, const Rates& rates);

// Fills edge_nodes, cut_values, reverse_values and predicted from on_edge.
Plan make_plan(const CostModel& cm, const Rates& rates, double bandwidth_bps, std::string algo,
               std::vector<char> on_edge, int64_t claimed_ns);

}  // namespace edgecut::partition
