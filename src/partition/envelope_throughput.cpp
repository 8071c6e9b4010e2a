// Envelope::build_throughput (see envelope.h).
#include <algorithm>
#include <cmath>

#include "partition/envelope.h"

namespace edgecut::partition {
namespace {

struct TPiece {
  Plan plan;
  double a = 0;     // ns: max(edge, cloud)
  double b = 0;     // ns * bps: the slower transfer's period times bandwidth
  double up = 0;    // ns * bps: uplink bits, x 1e9
  double down = 0;  // ns * bps: downlink bits (at the uplink's bandwidth), x 1e9
  double c = 0;     // ns: the cut tensors' codec time, paid in the uplink stage
  double at(double bps) const { return std::max({a, c + up / bps, down / bps}); }
  bool same(const TPiece& o) const { return a == o.a && up == o.up && down == o.down && c == o.c; }
};

struct TBuilder : detail::Sweep {
  ThroughputSolver& solver;
  int max_solves;

  TPiece solve_at(double bps) {
    const Network n = at(bps);
    const CostModel& cm = solver.cost_model();
    const Rates rates = cm.rates(n);  // once: the solve and the line below both price with it
    TPiece p{solver.solve(n, rates)};
    const Breakdown& br = p.plan.predicted;
    p.a = static_cast<double>(std::max(br.edge_ns, br.cloud_ns));
    // The uplink stage (CostModel::rates) encodes, sends and decodes each cut
    // tensor as the plan's encoding does; along this plan's line that is fixed.
    double up_bits = 0;
    for (ValueId x : p.plan.cut_values) {
      const CostModel::Crossing cr = cm.crossing(x, rates);
      up_bits += 8.0 * cr.bytes;
      p.c += static_cast<double>(cr.codec_ns);
    }
    p.up = 1e9 * up_bits;
    p.down = 1e9 * result_bits(cm.graph(), p.plan) / down_ratio;
    p.b = std::max(p.up, p.down);
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
  TBuilder b{{net}, solver, max_solves};
  return sweep(b, lo_bps, hi_bps);
}

}  // namespace edgecut::partition
