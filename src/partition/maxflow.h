// MaxFlow: Dinic's algorithm on a forward-star graph with int64 capacities.
//
// Why our own and not LEMON's Preflow: the networks here are small (a block
// between two cut vertices, tens of vertices) and rebuilt per bandwidth; a
// flat-array Dinic with reset() that keeps its buffers avoids LEMON's graph
// and map allocations. `edgecut bench solve` times both on the same networks
// (lemon_max_flow below) and the tests check they agree.
// Complexity O(V^2 E) worst case; near-linear on these shallow DAG networks.
// Capacities must be non-negative; "infinite" is a finite big-M chosen by the
// caller larger than the sum of all finite capacities.
#pragma once

#include <cstdint>
#include <vector>

namespace edgecut::partition {

class MaxFlow {
 public:
  void reset(int num_vertices);
  int add_vertex();
  // Adds u->v with capacity cap (and its residual twin, index ^ 1).
  void add_arc(int u, int v, int64_t cap);
  int64_t run(int s, int t);
  // After run(): 1 for vertices reachable from s in the residual graph (the
  // minimal source side of a minimum cut).
  const std::vector<char>& source_side() const { return reach_; }
  int num_vertices() const { return static_cast<int>(head_.size()); }
  int num_arcs() const { return static_cast<int>(to_.size()); }

  // The arcs as added (for cross-checks with other max-flow codes).
  struct Arc {
    int u, v;
    int64_t cap;
  };
  std::vector<Arc> arcs() const;

 private:
  void push_half(int from, int to, int64_t cap);
  bool bfs(int s, int t);
  int64_t dfs(int v, int t, int64_t f);

  std::vector<int> head_, next_, to_, level_, iter_, queue_;
  std::vector<int64_t> cap_, orig_;
  std::vector<char> reach_;
};

// The same max flow computed by LEMON's Preflow (push-relabel), for benchmarks
// and cross-checks.
int64_t lemon_max_flow(int num_vertices, const std::vector<MaxFlow::Arc>& arcs, int s, int t);

}  // namespace edgecut::partition
