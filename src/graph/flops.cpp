#include "graph/flops.h"

#include <algorithm>

namespace edgecut::graph {
namespace {

double elements(const Value& v) {
  double n = 1;
  for (int64_t d : v.shape) n *= static_cast<double>(d);
  return n;
}

}  // namespace

std::vector<double> compute_flops(const Graph& g) {
  std::vector<double> out(g.nodes.size(), 0.0);
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    const Node& node = g.nodes[v];
    double out_elems = 0;
    for (ValueId x : node.outputs) out_elems = std::max(out_elems, elements(g.values[x]));
    double in_elems = 0;
    for (ValueId x : node.inputs) {
      if (!g.values[x].is_weight) in_elems = std::max(in_elems, elements(g.values[x]));
    }
    const std::string& op = node.op;
    double f = out_elems;
    if ((op == "Conv" || op == "ConvTranspose") && node.inputs.size() >= 2) {
      const Value& w = g.values[node.inputs[1]];
      double per = 1;
      for (size_t i = 1; i < w.shape.size(); ++i) per *= static_cast<double>(w.shape[i]);
      if (op == "ConvTranspose") per = elements(w) / std::max<double>(1, w.shape.empty() ? 1 : w.shape[0]);
      f = 2 * out_elems * per;
    } else if ((op == "Gemm" || op == "MatMul") && !node.inputs.empty()) {
      const Value& a = g.values[node.inputs[0]];
      double k = a.shape.empty() ? 1 : static_cast<double>(a.shape.back());
      f = 2 * out_elems * k;
    } else if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" || op == "GlobalMaxPool" ||
               op == "LRN" || op == "Softmax") {
      f = in_elems;
    }
    out[v] = f;
  }
  return out;
}

}  // namespace edgecut::graph
