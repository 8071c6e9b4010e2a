// Envelope::build_throughput (see envelope.h).
#include <algorithm>
#include <cmath>

#include "partition/envelope.h"

namespace edgecut::partition {
namespace {

struct TPiece {
  Plan plan;
  double a = 0;  // ns: max(edge, cloud)
  double b = 0;  // ns * bps: transfer period times bandwidth
  double at(double bps) const { return std::max(a, b / bps); }
  bool same(const TPiece& o) const { return a == o.a && b == o.b; }
};

struct TBuilder {
  ThroughputSolver& solver;
  Network net;
  double down_ratio;
  int max_solves;
  int solves = 0;

  TPiece solve_at(double bps) {
    ++solves;
    Network n = net;
    n.uplink_bps = bps;
    n.downlink_bps = bps * down_ratio;
    TPiece p{solver.solve(n)};
    const Graph& g = solver.cost_model().graph();
    const Breakdown& br = p.plan.predicted;
    p.a = static_cast<double>(std::max(br.edge_ns, br.cloud_ns));
    double up_bits = 0, down_bits = 0;
    for (ValueId x : p.plan.cut_values) up_bits += 8.0 * static_cast<double>(g.values[x].bytes);
    for (ValueId x : g.outputs) {
      NodeId u = g.values[x].producer;
      if (u != graph::kNoNode && !p.plan.on_edge[u])
        down_bits += 8.0 * static_cast<double>(g.values[x].bytes);
    }
    p.b = 1e9 * std::max(up_bits, down_bits / down_ratio);
    return p;
  }

  // The least bandwidth in [lo, hi] where hi's plan is no worse than lo's.
  static double crossing(const TPiece& lo, const TPiece& hi, double lo_bps, double hi_bps) {
    double l = std::log(lo_bps), h = std::log(hi_bps);
    for (int i = 0; i < 60; ++i) {
      const double m = 0.5 * (l + h);
      (hi.at(std::exp(m)) <= lo.at(std::exp(m)) ? h : l) = m;
    }
    return std::exp(h);
  }

  void refine(const TPiece& lo, const TPiece& hi, double lo_bps, double hi_bps,
              std::vector<std::pair<double, TPiece>>* out) {
    if (lo.same(hi)) {
      out->emplace_back(lo_bps, hi);
      return;
    }
    const double cross = crossing(lo, hi, lo_bps, hi_bps);
    if (!(cross > lo_bps * (1 + 1e-12) && cross < hi_bps * (1 - 1e-12)) || solves >= max_solves) {
      out->emplace_back(std::clamp(cross, lo_bps, hi_bps), hi);
      return;
    }
    TPiece mid = solve_at(cross);
    const double best2 = std::min(lo.at(cross), hi.at(cross));
    const double eps = 1e-9 * best2 + 2.0 * static_cast<double>(solver.cost_model().graph().num_values());
    if (mid.at(cross) >= best2 - eps || mid.same(lo) || mid.same(hi)) {
      out->emplace_back(cross, hi);
      return;
    }
    refine(lo, mid, lo_bps, cross, out);
    refine(mid, hi, cross, hi_bps, out);
  }
};

}  // namespace

Envelope Envelope::build_throughput(ThroughputSolver& solver, const Network& net, double lo_bps,
                                    double hi_bps, int max_solves) {
  const double down_ratio = net.downlink_bps > 0 ? net.downlink_bps / net.uplink_bps : 1.0;
  TBuilder b{solver, net, down_ratio, max_solves};
  TPiece lo = b.solve_at(lo_bps);
  TPiece hi = b.solve_at(hi_bps);
  std::vector<std::pair<double, TPiece>> seq;
  seq.emplace_back(lo_bps, lo);
  b.refine(lo, hi, lo_bps, hi_bps, &seq);
  Envelope env;
  for (auto& [from, piece] : seq) env.append(from, std::move(piece.plan), piece.a, piece.b);
  env.finish(hi_bps, b.solves);
  return env;
}

}  // namespace edgecut::partition
