// Segments of a graph: a set of compute nodes (a plan's head, its complement
// the tail, a block between cut vertices, one node) and what crosses its
// border. The one place that computes crossings and checks closure; engines,
// plans, the profiler and the runtime all call these.
//
// A segment's inputs are the activations it reads but does not produce
// (graph inputs or tensors that crossed a cut); its outputs are the
// activations it produces that are read outside it or are graph outputs.
#pragma once

#include <random>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::graph {

struct SegmentInfo {
  std::vector<NodeId> nodes;     // ascending
  std::vector<ValueId> inputs;   // activations read from outside, ascending
  std::vector<ValueId> outputs;  // activations needed outside, or graph outputs, ascending
};

// Fails (kInvalidArgument) naming the first id out of [0, N).
Status check_node_ids(const Graph& g, const std::vector<NodeId>& nodes);

// Inputs / outputs of the segment `nodes` (any order, duplicates allowed).
// Precondition: every id is in range (check_node_ids). O(sum of degrees + V).
SegmentInfo describe_segment(const Graph& g, const std::vector<NodeId>& nodes);

// A plan's edge set must be closed under predecessors: nothing may flow from
// the cloud back to the edge. Fails (kInvalidArgument) naming a node of `nodes`
// and an input it reads whose producer is missing from `nodes`. O(V + E).
Status check_predecessor_closed(const Graph& g, const std::vector<NodeId>& nodes);

// The smallest predecessor-closed superset of `mask`: every node an
// activation of a masked node depends on, transitively. O(V + E).
std::vector<char> predecessor_closure(const Graph& g, std::vector<char> mask);

// Membership mask (size N) <-> ascending id list.
std::vector<char> node_mask(const Graph& g, const std::vector<NodeId>& nodes);
std::vector<NodeId> mask_nodes(const std::vector<char>& mask);
// Nodes not in `nodes`, ascending. O(V).
std::vector<NodeId> complement(const Graph& g, const std::vector<NodeId>& nodes);
// 0..N-1.
std::vector<NodeId> all_nodes(const Graph& g);

// Bytes of the distinct weights read by `nodes` (what preparing the segment
// costs in memory). O(sum of degrees).
int64_t segment_weight_bytes(const Graph& g, const std::vector<NodeId>& nodes);

// Activations that cross between the edge set `on_edge` (mask) and the rest.
// `up`: produced on the edge (graph inputs count as edge-produced) and read
// by a cloud node; `down`: produced in the cloud and read on the edge (only
// in plans that are not predecessor-closed). Ascending. O(V + E).
struct Crossings {
  std::vector<ValueId> up;
  std::vector<ValueId> down;
};
Crossings crossings(const Graph& g, const std::vector<char>& on_edge);

// A random predecessor-closed set (mask) for tests and benchmarks: the first
// `prefix` nodes of the topological order, then `moves` random moves on its
// frontier. A move adds a node whose predecessors are all in the set or, when
// `may_remove` and a coin says so, drops a node whose successors are all out
// of it; a move with no candidate does nothing. Prefix-only sets cut where a
// partitioner would; the moves make ragged cuts with several crossing
// tensors (inside inception / dense blocks). O(V + E + moves x (V + E)).
std::vector<char> random_closed_set(const Graph& g, std::mt19937_64& rng, int prefix, int moves,
                                    bool may_remove);

}  // namespace edgecut::graph
