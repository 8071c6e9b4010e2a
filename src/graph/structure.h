// Structure: the extended DAG of a Graph, its cut vertices and blocks.
//
// The extended DAG has the real nodes 0..n-1 plus a virtual source n (feeds
// every graph-input consumer and every node without activation inputs) and a
// virtual sink n+1 (fed by every graph-output producer and every node whose
// outputs nobody reads), so every vertex lies on a source->sink path.
// A cut vertex lies on every source->sink path; in topological order v is one
// iff no edge (u, w) has pos(u) < pos(v) < pos(w) — one O(V + E) sweep.
// Cut vertices are totally ordered c0 = source < c1 < ... < cK = sink; block k
// is the set of vertices strictly between c_k and c_{k+1} in the order.
// Nothing here depends on bandwidth or costs: build it once per model.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "graph/graph.h"

namespace edgecut::graph {

struct Structure {
  int n = 0;  // real nodes; source = n, sink = n + 1
  // Extended DAG in compressed rows: succ(v) / pred(v) list distinct neighbours.
  std::vector<int32_t> succ_begin, succ_list, pred_begin, pred_list;
  std::vector<int32_t> order;    // source, graph.topo..., sink
  std::vector<int32_t> pos;      // pos[order[i]] = i
  std::vector<int32_t> cut_pos;  // positions in `order` of cut vertices, ascending

  std::span<const int32_t> succ(int32_t v) const {
    return {succ_list.data() + succ_begin[v], succ_list.data() + succ_begin[v + 1]};
  }
  std::span<const int32_t> pred(int32_t v) const {
    return {pred_list.data() + pred_begin[v], pred_list.data() + pred_begin[v + 1]};
  }
  int32_t source() const { return n; }
  int32_t sink() const { return n + 1; }
  int num_blocks() const { return static_cast<int>(cut_pos.size()) - 1; }
  // Real cut vertices (source and sink excluded), in order.
  std::vector<NodeId> cut_vertices() const;
  // Interior vertices of block k (between cut_pos[k] and cut_pos[k+1]), in order.
  std::vector<int32_t> block_interior(int k) const;
};

// Precondition: g is finalized (topo valid). O(V + E).
Structure analyze(const Graph& g);

}  // namespace edgecut::graph
