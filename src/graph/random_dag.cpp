#include "graph/random_dag.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "graph/flops.h"

namespace edgecut::graph {

Graph random_dag(uint64_t seed, const RandomDagOptions& o) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng](int64_t lo, int64_t hi) {  // inclusive; portable (no distribution objects)
    return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  Graph g;
  g.name = fmt::format("random_dag_{}", seed);
  auto new_value = [&](std::string name) {
    Value v;
    v.name = std::move(name);
    v.dtype = DType::kFloat;
    v.bytes = uniform(o.min_bytes, o.max_bytes);
    v.shape = {v.bytes / 4 > 0 ? v.bytes / 4 : 1};
    g.values.push_back(std::move(v));
    return static_cast<ValueId>(g.values.size() - 1);
  };
  auto chance = [&](double prob) { return uniform(0, 999) < static_cast<int64_t>(prob * 1000); };
  const int n = static_cast<int>(uniform(o.min_nodes, o.max_nodes));
  const int num_inputs = static_cast<int>(uniform(1, std::max(1, o.max_inputs)));
  std::vector<ValueId> avail;  // values that later nodes may read
  for (int i = 0; i < num_inputs; ++i) {
    ValueId x = new_value(fmt::format("input{}", i));
    g.inputs.push_back(x);
    avail.push_back(x);
  }
  for (int v = 0; v < n; ++v) {
    Node node;
    node.name = fmt::format("n{}", v);
    node.op = "Op";
    int fan_in = static_cast<int>(uniform(1, std::max(1, o.max_fan_in)));
    for (int k = 0; k < fan_in; ++k) {
      ValueId x;
      if (chance(o.skip_prob)) {
        x = avail[uniform(0, static_cast<int64_t>(avail.size()) - 1)];
      } else {
        x = avail.back();  // chain-like: keeps long runs with cut vertices
      }
      if (std::find(node.inputs.begin(), node.inputs.end(), x) == node.inputs.end()) {
        node.inputs.push_back(x);
      }
    }
    int outs = chance(o.two_output_prob) ? 2 : 1;
    for (int k = 0; k < outs; ++k) {
      ValueId x = new_value(fmt::format("v{}_{}", v, k));
      node.outputs.push_back(x);
      avail.push_back(x);
    }
    g.nodes.push_back(std::move(node));
  }
  // The last node's first output is an output; sometimes one more random one.
  g.outputs.push_back(g.nodes.back().outputs.front());
  if (n > 1 && chance(o.extra_output_prob)) {
    ValueId extra = g.nodes[uniform(0, n - 2)].outputs.front();
    if (extra != g.outputs.front()) g.outputs.push_back(extra);
  }
  // Outputs are small (logits, boxes), as in real models.
  for (ValueId x : g.outputs) {
    g.values[x].bytes = uniform(4, 4000);
    g.values[x].shape = {std::max<int64_t>(1, g.values[x].bytes / 4)};
  }
  Status st = g.finalize();
  (void)st;  // acyclic by construction: inputs always come from earlier nodes
  g.flops = compute_flops(g);
  return g;
}

}  // namespace edgecut::graph
