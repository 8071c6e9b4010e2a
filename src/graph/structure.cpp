#include "graph/structure.h"

#include <algorithm>

namespace edgecut::graph {

std::vector<NodeId> Structure::cut_vertices() const {
  std::vector<NodeId> out;
  for (int32_t p : cut_pos) {
    int32_t v = order[p];
    if (v < n) out.push_back(v);
  }
  return out;
}

std::vector<int32_t> Structure::block_interior(int k) const {
  return std::vector<int32_t>(order.begin() + cut_pos[k] + 1, order.begin() + cut_pos[k + 1]);
}

Structure analyze(const Graph& g) {
  Structure s;
  s.n = g.num_nodes();
  const int total = s.n + 2;
  // Edge list first, then counting sort into compressed rows: no per-vertex
  // allocations, since Qdmp builds this on every from-scratch solve.
  std::vector<std::pair<int32_t, int32_t>> edges;
  edges.reserve(g.values.size() * 2 + 2 * static_cast<size_t>(s.n));
  std::vector<char> is_output(g.values.size(), 0);
  for (ValueId x : g.outputs) is_output[x] = 1;
  for (NodeId v = 0; v < s.n; ++v) {
    bool has_producer_input = false;
    for (ValueId x : g.nodes[v].inputs) {
      if (g.values[x].is_weight) continue;
      NodeId p = g.values[x].producer;
      edges.emplace_back(p == kNoNode ? s.source() : p, v);
      has_producer_input = true;
    }
    if (!has_producer_input) edges.emplace_back(s.source(), v);
    bool feeds_sink = false;
    bool has_reader = false;
    for (ValueId x : g.nodes[v].outputs) {
      feeds_sink |= is_output[x] != 0;
      has_reader |= !g.values[x].consumers.empty();
    }
    if (feeds_sink || !has_reader) edges.emplace_back(v, s.sink());
  }
  // Counting sort by source into rows, then dedupe each (short) row in place.
  std::vector<int32_t> count(total + 1, 0);
  for (auto [u, w] : edges) ++count[u + 1];
  for (int v = 0; v < total; ++v) count[v + 1] += count[v];
  std::vector<int32_t> raw(edges.size());
  {
    std::vector<int32_t> fill(count.begin(), count.end() - 1);
    for (auto [u, w] : edges) raw[fill[u]++] = w;
  }
  s.succ_begin.assign(total + 1, 0);
  s.succ_list.clear();
  s.succ_list.reserve(edges.size());
  for (int v = 0; v < total; ++v) {
    auto first = raw.begin() + count[v], last = raw.begin() + count[v + 1];
    std::sort(first, last);
    s.succ_list.insert(s.succ_list.end(), first, std::unique(first, last));
    s.succ_begin[v + 1] = static_cast<int32_t>(s.succ_list.size());
  }
  s.pred_begin.assign(total + 1, 0);
  for (int32_t w : s.succ_list) ++s.pred_begin[w + 1];
  for (int v = 0; v < total; ++v) s.pred_begin[v + 1] += s.pred_begin[v];
  s.pred_list.resize(s.succ_list.size());
  {
    std::vector<int32_t> fill(s.pred_begin.begin(), s.pred_begin.end() - 1);
    for (int u = 0; u < total; ++u) {
      for (int32_t w : s.succ(u)) s.pred_list[fill[w]++] = u;  // ascending u: rows come out sorted
    }
  }
  s.order.reserve(total);
  s.order.push_back(s.source());
  s.order.insert(s.order.end(), g.topo.begin(), g.topo.end());
  s.order.push_back(s.sink());
  s.pos.assign(total, 0);
  for (int i = 0; i < total; ++i) s.pos[s.order[i]] = i;

  // reach = farthest position targeted by an edge leaving an earlier vertex.
  int32_t reach = -1;
  for (int i = 0; i < total; ++i) {
    if (reach <= i) s.cut_pos.push_back(i);
    for (int32_t w : s.succ(s.order[i])) reach = std::max(reach, s.pos[w]);
  }
  return s;
}

}  // namespace edgecut::graph
