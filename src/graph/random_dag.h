// Random DAG builder for property tests: a Graph (no ONNX behind it) with
// random fan-in, fan-out, multi-consumer values, several inputs and outputs,
// and random byte sizes. Deterministic in `seed`.
#pragma once

#include <cstdint>

#include "graph/graph.h"

namespace edgecut::graph {

struct RandomDagOptions {
  int min_nodes = 1;
  int max_nodes = 16;
  int max_inputs = 2;  // activation graph inputs
  int max_fan_in = 3;
  double skip_prob = 0.3;           // chance an input comes from far back (breaks cut vertices)
  double two_output_prob = 0.1;     // chance a node has a second output
  double extra_output_prob = 0.25;  // chance of a second graph output
  int64_t min_bytes = 1;
  int64_t max_bytes = 4'000'000;
};

Graph random_dag(uint64_t seed, const RandomDagOptions& options = {});

}  // namespace edgecut::graph
