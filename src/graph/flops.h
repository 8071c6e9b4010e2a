// FLOP estimates per node from shapes alone (multiply-add = 2 FLOPs).
//
// Conv / ConvTranspose: 2 * output elements * (weight elements / output channels);
// Gemm / MatMul: 2 * output elements * K; pooling: input elements; everything
// else: output elements (elementwise work). Good enough to rank layers and to
// estimate a profile from a device's GFLOP/s; measured profiles replace it.
// O(V + E).
#pragma once

#include <vector>

#include "graph/graph.h"

namespace edgecut::graph {

std::vector<double> compute_flops(const Graph& g);

}  // namespace edgecut::graph
