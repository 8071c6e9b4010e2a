#include "partition/envelope.h"

#include <algorithm>
#include <cmath>

namespace edgecut::partition {
namespace {

struct Piece {
  Plan plan;
  double a = 0;  // ns
  double b = 0;  // ns * bps: cost(B) = a + b / B
  double at(double bps) const { return a + b / bps; }
  bool same_line(const Piece& o) const { return a == o.a && b == o.b; }
};

struct Builder : detail::Sweep {
  Qdmp& qdmp;

  Piece solve_at(double bps) {
    const Network n = at(bps);
    const Rates rates = qdmp.cost_model().rates(n);
    Piece p{qdmp.solve(n, rates)};
    const CostModel& cm = qdmp.cost_model();
    const Breakdown& br = p.plan.predicted;
    p.a = static_cast<double>(br.edge_ns + br.cloud_ns + br.rtt_ns);
    double up_bits = 0;
    // Each cut tensor's encoding is fixed along this plan's line: its codec
    // time is a constant, its encoded bytes the slope.
    for (ValueId x : p.plan.cut_values) {
      const CostModel::Crossing c = cm.crossing(x, rates);
      up_bits += 8.0 * c.bytes;
      p.a += static_cast<double>(c.codec_ns);
    }
    p.b = 1e9 * (up_bits + result_bits(cm.graph(), p.plan) / down_ratio);
    return p;
  }

  // Appends the envelope strictly inside (lo, hi) given their optimal pieces;
  // `out` ends with lo's piece on entry and with hi's piece on exit.
  void refine(const Piece& lo, const Piece& hi, double lo_bps, double hi_bps,
              std::vector<std::pair<double, Piece>>* out) {
    if (lo.same_line(hi) || hi.a >= lo.a || hi.b <= lo.b) {
      // Same line, or hi dominates everywhere it matters: no crossing inside.
      out->emplace_back(lo_bps, hi);
      return;
    }
    const double cross = (hi.b - lo.b) / (lo.a - hi.a);
    if (!(cross > lo_bps && cross < hi_bps)) {
      out->emplace_back(std::clamp(cross, lo_bps, hi_bps), hi);
      return;
    }
    Piece mid = solve_at(cross);
    const double line = lo.at(cross);
    const double eps = 1e-9 * line + 2.0 * static_cast<double>(qdmp.cost_model().graph().num_values());
    if (mid.at(cross) >= line - eps || mid.same_line(lo) || mid.same_line(hi)) {
      out->emplace_back(cross, hi);  // lo and hi are adjacent on the envelope
      return;
    }
    refine(lo, mid, lo_bps, cross, out);
    refine(mid, hi, cross, hi_bps, out);
  }
};

}  // namespace

Envelope Envelope::build(Qdmp& qdmp, const Network& net, double lo_bps, double hi_bps) {
  Builder b{{net}, qdmp};
  return sweep(b, lo_bps, hi_bps);
}

double result_bits(const Graph& g, const Plan& plan) {
  double bits = 0;
  for (ValueId x : g.outputs) {
    NodeId u = g.values[x].producer;
    if (u != graph::kNoNode && !plan.on_edge[u]) bits += 8.0 * static_cast<double>(g.values[x].bytes);
  }
  return bits;
}

void Envelope::append(double from_bps, Plan plan, double a_ns, double b_ns_bps) {
  if (!pieces_.empty() && pieces_.back().a_ns == a_ns && pieces_.back().b_ns_bps == b_ns_bps) {
    return;  // the same plan continues
  }
  EnvelopePiece p;
  p.from_bps = from_bps;
  p.plan = std::move(plan);
  p.a_ns = a_ns;
  p.b_ns_bps = b_ns_bps;
  if (!pieces_.empty()) pieces_.back().to_bps = p.from_bps;
  pieces_.push_back(std::move(p));
}

void Envelope::finish(double hi_bps, int solves) {
  pieces_.back().to_bps = hi_bps;
  for (const auto& p : pieces_) upper_.push_back(p.to_bps);
  solves_ = solves;
}

const EnvelopePiece& Envelope::lookup(double bps) const {
  auto it = std::lower_bound(upper_.begin(), upper_.end(), bps);
  if (it == upper_.end()) return pieces_.back();
  return pieces_[it - upper_.begin()];
}

}  // namespace edgecut::partition
