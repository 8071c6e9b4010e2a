// Envelope: every plan that is optimal somewhere in [Bmin, Bmax], and where.
//
// A plan S costs a_S + b_S / B (a: compute + rtt, b: bits sent, the downlink
// at a fixed ratio to the uplink), a line in x = 1 / B. T*(x) is the lower
// envelope of these lines: concave, piecewise linear, with few pieces. Built
// by Eisner-Severance parametric search: solve (Qdmp) at both ends; if the
// plans differ, solve where their lines cross; a plan strictly below both
// lines there splits the interval, else the crossing is a breakpoint. Needs
// 2 * pieces - 1 solves. lookup() is then a binary search over breakpoints.
#pragma once

#include <vector>

#include "partition/qdmp.h"
#include "partition/throughput.h"

namespace edgecut::partition {

struct EnvelopePiece {
  double from_bps = 0;  // optimal for bandwidths in [from_bps, to_bps]
  double to_bps = 0;
  Plan plan;
  double a_ns = 0;      // latency at bandwidth B: a_ns + b_ns_bps / B;
  double b_ns_bps = 0;  // throughput: period max(a_ns, b_ns_bps / B)
};

class Envelope {
 public:
  // Precondition: 0 < lo_bps < hi_bps. `net` gives rtt and the downlink ratio
  // (downlink_bps / uplink_bps, or 1 when downlink_bps is 0).
  static Envelope build(Qdmp& qdmp, const Network& net, double lo_bps, double hi_bps);

  // Throughput objective (throughput.h): a plan's period is max(a, b / B)
  // with a = max(Te, Tc) and b / B the slower of uplink and result download,
  // nonincreasing in B. If one plan is optimal at both ends of an interval it
  // is optimal inside it (a plan beating it inside would, being nonincreasing,
  // beat it at the upper end where only its transfer term can be larger, or
  // at the lower end where only its compute term can), so the same
  // bisection works: solve at both ends, then where their periods cross; a
  // plan strictly better there splits the interval, else it is a breakpoint.
  // At most `max_solves` solves (then the last interval keeps its ends' plans).
  static Envelope build_throughput(ThroughputSolver& solver, const Network& net, double lo_bps, double hi_bps,
                                   int max_solves = 200);

  // The optimal plan at `bps` (clamped to the range). O(log pieces).
  const EnvelopePiece& lookup(double bps) const;
  const std::vector<EnvelopePiece>& pieces() const { return pieces_; }
  int solves() const { return solves_; }

 private:
  // Both builders: pieces in ascending order of their start; a piece on the
  // same line as the last one continues it.
  void append(double from_bps, Plan plan, double a_ns, double b_ns_bps);
  void finish(double hi_bps, int solves);
  // Both builders' walk: the optimal pieces at lo and hi, then B::refine
  // between them; B has solve_at(bps) -> piece {plan, a, b}, refine, solves.
  template <class B>
  static Envelope sweep(B& b, double lo_bps, double hi_bps);

  std::vector<EnvelopePiece> pieces_;  // ascending bandwidth
  std::vector<double> upper_;          // upper_[i] = pieces_[i].to_bps
  int solves_ = 0;
};

template <class B>
Envelope Envelope::sweep(B& b, double lo_bps, double hi_bps) {
  auto lo = b.solve_at(lo_bps);
  auto hi = b.solve_at(hi_bps);
  std::vector<std::pair<double, decltype(lo)>> seq;  // (start, piece): optimal until the next start
  seq.emplace_back(lo_bps, lo);
  b.refine(lo, hi, lo_bps, hi_bps, &seq);
  Envelope env;
  for (auto& [from, piece] : seq) env.append(from, std::move(piece.plan), piece.a, piece.b);
  env.finish(hi_bps, b.solves);
  return env;
}

namespace detail {
// Both builders' network at one uplink bandwidth, the downlink kept in the
// ratio `net` has (1 when it has none); counts the solves made.
struct Sweep {
  Network net;
  double down_ratio = net.downlink_bps > 0 ? net.downlink_bps / net.uplink_bps : 1.0;
  int solves = 0;
  Network at(double bps) {
    ++solves;
    Network n = net;
    n.uplink_bps = bps;
    n.downlink_bps = bps * down_ratio;
    return n;
  }
};
}  // namespace detail

// Bits per frame of the graph outputs a plan computes in the cloud (the
// results sent back): the downlink term of both builders' lines.
double result_bits(const Graph& g, const Plan& plan);

}  // namespace edgecut::partition
