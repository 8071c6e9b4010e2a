#include "graph/segment.h"

#include <algorithm>

namespace edgecut::graph {

Status check_node_ids(const Graph& g, const std::vector<NodeId>& nodes) {
  for (NodeId v : nodes) {
    if (v < 0 || v >= g.num_nodes()) {
      return error(Code::kInvalidArgument, "node id {} is out of range: model '{}' has {} nodes (0..{})", v,
                   g.name, g.num_nodes(), g.num_nodes() - 1);
    }
  }
  return Status::ok();
}

std::vector<char> node_mask(const Graph& g, const std::vector<NodeId>& nodes) {
  std::vector<char> in(g.num_nodes(), 0);
  for (NodeId v : nodes) in[v] = 1;
  return in;
}

std::vector<char> predecessor_closure(const Graph& g, std::vector<char> mask) {
  // g.topo lists producers before consumers: one sweep from the back sees
  // every consumer before the producers it marks.
  for (auto it = g.topo.rbegin(); it != g.topo.rend(); ++it) {
    if (!mask[*it]) continue;
    for (ValueId x : g.activation_inputs(*it)) {
      if (g.values[x].producer != kNoNode) mask[g.values[x].producer] = 1;
    }
  }
  return mask;
}

std::vector<NodeId> mask_nodes(const std::vector<char>& mask) {
  std::vector<NodeId> out;
  for (NodeId v = 0; v < static_cast<NodeId>(mask.size()); ++v) {
    if (mask[v]) out.push_back(v);
  }
  return out;
}

std::vector<NodeId> complement(const Graph& g, const std::vector<NodeId>& nodes) {
  std::vector<char> in = node_mask(g, nodes);
  for (char& c : in) c = !c;
  return mask_nodes(in);
}

std::vector<NodeId> all_nodes(const Graph& g) { return complement(g, {}); }

SegmentInfo describe_segment(const Graph& g, const std::vector<NodeId>& nodes) {
  SegmentInfo info;
  const std::vector<char> in = node_mask(g, nodes);
  info.nodes = mask_nodes(in);
  std::vector<char> is_graph_output(g.num_values(), 0);
  for (ValueId x : g.outputs) is_graph_output[x] = 1;
  std::vector<char> seen(g.num_values(), 0);
  for (NodeId v : info.nodes) {
    for (ValueId x : g.nodes[v].inputs) {
      const Value& val = g.values[x];
      if (val.is_weight || seen[x]) continue;
      if (val.producer == kNoNode || !in[val.producer]) {
        seen[x] = 1;
        info.inputs.push_back(x);
      }
    }
    for (ValueId x : g.nodes[v].outputs) {
      bool needed = is_graph_output[x] != 0;
      for (NodeId w : g.values[x].consumers) needed = needed || !in[w];
      if (needed) info.outputs.push_back(x);
    }
  }
  std::sort(info.inputs.begin(), info.inputs.end());
  std::sort(info.outputs.begin(), info.outputs.end());
  return info;
}

Status check_predecessor_closed(const Graph& g, const std::vector<NodeId>& nodes) {
  EDGECUT_RETURN_IF_ERROR(check_node_ids(g, nodes));
  const std::vector<char> in = node_mask(g, nodes);
  for (NodeId v : g.topo) {  // topological order: report the earliest offender
    if (!in[v]) continue;
    for (ValueId x : g.nodes[v].inputs) {
      NodeId u = g.values[x].producer;
      if (g.values[x].is_weight || u == kNoNode || in[u]) continue;
      return error(Code::kInvalidArgument,
                   "edge node '{}' (id {}) reads '{}', whose producer '{}' (id {}) is not on the edge: the "
                   "edge set must be closed under predecessors",
                   g.nodes[v].name, v, g.values[x].name, g.nodes[u].name, u);
    }
  }
  return Status::ok();
}

int64_t segment_weight_bytes(const Graph& g, const std::vector<NodeId>& nodes) {
  std::vector<char> seen(g.num_values(), 0);
  int64_t bytes = 0;
  for (NodeId v : nodes) {
    for (ValueId x : g.nodes[v].inputs) {
      if (g.values[x].is_weight && !seen[x]) {
        seen[x] = 1;
        bytes += g.values[x].bytes;
      }
    }
  }
  return bytes;
}

Crossings crossings(const Graph& g, const std::vector<char>& on_edge) {
  Crossings c;
  for (ValueId x = 0; x < g.num_values(); ++x) {
    const Value& val = g.values[x];
    if (val.is_weight) continue;
    const bool src_edge = val.producer == kNoNode || on_edge[val.producer];
    bool crosses = false;
    for (NodeId w : val.consumers) crosses |= (on_edge[w] != 0) != src_edge;
    if (crosses) (src_edge ? c.up : c.down).push_back(x);
  }
  return c;
}

std::vector<char> random_closed_set(const Graph& g, std::mt19937_64& rng, int prefix, int moves,
                                    bool may_remove) {
  const int n = g.num_nodes();
  std::vector<std::vector<NodeId>> succ(n), pred(n);
  for (NodeId v = 0; v < n; ++v) {
    succ[v] = g.successors(v);
    for (NodeId w : succ[v]) pred[w].push_back(v);
  }
  std::vector<char> s(n, 0);
  for (int i = 0; i < std::min(prefix, n); ++i) s[g.topo[i]] = 1;
  for (int m = 0; m < moves; ++m) {
    std::vector<NodeId> removable, addable;
    for (NodeId v = 0; v < n; ++v) {
      if (s[v]) {
        if (std::none_of(succ[v].begin(), succ[v].end(), [&](NodeId w) { return s[w] != 0; })) {
          removable.push_back(v);
        }
      } else if (std::all_of(pred[v].begin(), pred[v].end(), [&](NodeId u) { return s[u] != 0; })) {
        addable.push_back(v);
      }
    }
    const bool remove = may_remove && (rng() & 1) != 0;
    auto& pool = remove ? removable : addable;
    if (pool.empty()) continue;
    s[pool[rng() % pool.size()]] = remove ? 0 : 1;
  }
  return s;
}

}  // namespace edgecut::graph
