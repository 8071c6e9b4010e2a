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
  s.succ.assign(total, {});
  s.pred.assign(total, {});
  auto add_edge = [&s](int32_t u, int32_t w) {
    s.succ[u].push_back(w);
    s.pred[w].push_back(u);
  };
  std::vector<char> is_output(g.values.size(), 0);
  for (ValueId x : g.outputs) is_output[x] = 1;
  for (NodeId v = 0; v < s.n; ++v) {
    bool has_producer_input = false;
    for (ValueId x : g.activation_inputs(v)) {
      NodeId p = g.values[x].producer;
      add_edge(p == kNoNode ? s.source() : p, v);
      has_producer_input = true;
    }
    if (!has_producer_input) add_edge(s.source(), v);
    bool feeds_sink = false;
    bool has_reader = false;
    for (ValueId x : g.nodes[v].outputs) {
      feeds_sink |= is_output[x] != 0;
      has_reader |= !g.values[x].consumers.empty();
    }
    if (feeds_sink || !has_reader) add_edge(v, s.sink());
  }
  for (auto* lists : {&s.succ, &s.pred}) {
    for (auto& l : *lists) {
      std::sort(l.begin(), l.end());
      l.erase(std::unique(l.begin(), l.end()), l.end());
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
    for (int32_t w : s.succ[s.order[i]]) reach = std::max(reach, s.pos[w]);
  }
  return s;
}

}  // namespace edgecut::graph
