#include "profile/drift.h"

#include "profile/stats.h"

namespace edgecut::profile {

double paired_ratio(const std::vector<double>& num, const std::vector<const std::vector<double>*>& over,
                    double q) {
  std::vector<double> ratios;
  for (size_t r = 0; r < num.size(); ++r) {
    double den = 0;
    for (const std::vector<double>* s : over) den += r < s->size() ? (*s)[r] : 0;
    if (den > 0) ratios.push_back(num[r] / den);
  }
  return quantile(ratios, q);
}

StateNormaliser::StateNormaliser(int n, const std::vector<const Runs*>& runs) {
  std::vector<std::vector<double>> per_node(n);
  for (const Runs* r : runs) {
    if (r->layers.size() != r->ms.size() || r->ms.empty()) return;  // no layer times: not usable
    for (const auto& lr : r->layers) {
      if (static_cast<int>(lr.size()) != n) return;
      for (graph::NodeId v : r->nodes) per_node[v].push_back(lr[v]);
    }
  }
  ref_.assign(n, 0.0);
  for (int v = 0; v < n; ++v) ref_[v] = median(per_node[v]);
  ok_ = !runs.empty();
}

double StateNormaliser::normalised_quantile_ms(const Runs& r, double q) const {
  double then = 0;
  for (graph::NodeId v : r.nodes) then += ref_[v];
  std::vector<double> xs;
  for (size_t k = 0; k < r.ms.size(); ++k) {
    double now = 0;
    if (k < r.layers.size()) {
      for (graph::NodeId v : r.nodes) now += r.layers[k][v];
    }
    xs.push_back(now > 0 && then > 0 ? r.ms[k] * then / now : r.ms[k]);
  }
  return quantile(xs, q);
}

}  // namespace edgecut::profile
