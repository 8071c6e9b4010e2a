#include "partition/maxflow.h"

#include <algorithm>
#include <limits>

namespace edgecut::partition {

void MaxFlow::reset(int num_vertices) {
  head_.assign(num_vertices, -1);
  next_.clear();
  to_.clear();
  cap_.clear();
  orig_.clear();
}

int MaxFlow::add_vertex() {
  head_.push_back(-1);
  return static_cast<int>(head_.size()) - 1;
}

void MaxFlow::add_arc(int u, int v, int64_t cap) {
  push_half(u, v, cap);
  push_half(v, u, 0);
}

void MaxFlow::push_half(int from, int to, int64_t cap) {
  to_.push_back(to);
  cap_.push_back(cap);
  orig_.push_back(cap);
  next_.push_back(head_[from]);
  head_[from] = static_cast<int>(to_.size()) - 1;
}

std::vector<MaxFlow::Arc> MaxFlow::arcs() const {
  std::vector<Arc> out;
  for (size_t e = 0; e < to_.size(); e += 2) {
    out.push_back({to_[e + 1], to_[e], orig_[e]});
  }
  return out;
}

bool MaxFlow::bfs(int s, int t) {
  level_.assign(head_.size(), -1);
  queue_.clear();
  queue_.push_back(s);
  level_[s] = 0;
  for (size_t i = 0; i < queue_.size(); ++i) {
    int v = queue_[i];
    for (int e = head_[v]; e != -1; e = next_[e]) {
      if (cap_[e] > 0 && level_[to_[e]] < 0) {
        level_[to_[e]] = level_[v] + 1;
        queue_.push_back(to_[e]);
      }
    }
  }
  return level_[t] >= 0;
}

int64_t MaxFlow::dfs(int v, int t, int64_t f) {
  if (v == t) return f;
  for (int& e = iter_[v]; e != -1; e = next_[e]) {
    int w = to_[e];
    if (cap_[e] <= 0 || level_[w] != level_[v] + 1) continue;
    int64_t d = dfs(w, t, std::min(f, cap_[e]));
    if (d > 0) {
      cap_[e] -= d;
      cap_[e ^ 1] += d;
      return d;
    }
  }
  return 0;
}

int64_t MaxFlow::run(int s, int t) {
  int64_t flow = 0;
  while (bfs(s, t)) {
    iter_ = head_;
    while (int64_t f = dfs(s, t, std::numeric_limits<int64_t>::max())) flow += f;
  }
  // Residual reachability from s: after the last BFS, level_ >= 0 marks exactly that set.
  reach_.assign(head_.size(), 0);
  for (size_t v = 0; v < head_.size(); ++v) reach_[v] = level_[v] >= 0 ? 1 : 0;
  return flow;
}

}  // namespace edgecut::partition
