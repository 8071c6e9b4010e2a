// runtime/Controller in-process: every decision it makes per frame or per
// measurement. Hysteresis, the baselines' bandwidth grid, the corrections
// observe() / correct() apply, the rebuild when they drift, the server's
// load, the closure repair of published DADS, and the rebuild's transaction.
// The expected plans come from partition/ directly, not from the controller.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "chain3.h"
#include "graph/segment.h"
#include "partition/algorithms.h"
#include "partition/envelope.h"
#include "runtime/controller.h"
#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

using EdgeSets = std::set<std::vector<graph::NodeId>>;

// googlenet (32 px, channels / 8) with uneven node times, the cloud 10x
// faster: an envelope of several plans over the default range.
struct Costs {
  graph::Model model = edgecut::testing::zoo_model("googlenet");
  const graph::Graph& g = model.graph;
  std::vector<double> edge_ms, cloud_ms;
  double rtt_ms = 5;
  Costs() {
    for (int v = 0; v < g.num_nodes(); ++v) {
      edge_ms.push_back(1.0 + 0.5 * (v % 5));
      cloud_ms.push_back(0.1 * edge_ms.back());
    }
  }
  // The defaults, with a range starting low enough for edge-only to be a candidate.
  static ControllerOptions options() {
    ControllerOptions o;
    o.min_bps = 1e4;
    return o;
  }
  Controller make(ControllerOptions o = options()) const {
    auto c = Controller::create(g, edge_ms, cloud_ms, o, rtt_ms);
    EXPECT_TRUE(c) << c.status().message();
    return std::move(*c);
  }
  // The envelope partition/ computes for these costs x (fe, fc): the plans a
  // qdmp controller built with those corrections must hold.
  EdgeSets envelope(double fe, double fc, const ControllerOptions& o = options()) const {
    auto cm = partition::CostModel::create(g, edge_ms, cloud_ms);
    EXPECT_TRUE(cm);
    auto scaled = cm->scaled(fe, fc);
    EXPECT_TRUE(scaled);
    partition::Qdmp q(*scaled);
    partition::Network net{o.min_bps, o.min_bps * o.downlink_ratio, rtt_ms};
    EdgeSets out;
    const partition::Envelope env = partition::Envelope::build(q, net, o.min_bps, o.max_bps);
    for (const auto& p : env.pieces()) out.insert(p.plan.edge_nodes);
    return out;
  }
};

EdgeSets active_sets(const Controller& c) {
  EdgeSets out;
  for (int i : c.active()) out.insert(c.candidates()[i].edge_nodes);
  return out;
}

double total(const Controller& c, int plan, double bps) { return c.predict(plan, bps).total_ms; }

TEST(ControllerDecisions, QdmpCandidatesAreTheEnvelopeAndPricedByTheCostModel) {
  Costs s;
  Controller c = s.make();
  ASSERT_GE(c.active().size(), 2u) << "the fixture needs an envelope of several plans";
  EXPECT_EQ(active_sets(c), s.envelope(1, 1));
  // One pricing: predict() is CostModel::evaluate of the same plan (up to its
  // per-tensor rounding to the nanosecond).
  auto cm = partition::CostModel::create(s.g, s.edge_ms, s.cloud_ms);
  ASSERT_TRUE(cm);
  for (int i : c.active()) {
    for (double bps : {3e5, 4e6, 7e7, 1e9}) {
      partition::Network net{bps, bps, s.rtt_ms};
      const auto b = cm->evaluate(graph::node_mask(s.g, c.candidates()[i].edge_nodes), cm->rates(net));
      EXPECT_NEAR(total(c, i, bps), partition::ms_from_ns(b.total_ns), 1e-6 * s.g.num_values()) << i;
    }
  }
}

TEST(ControllerDecisions, HysteresisKeepsAPlanUnlessAnotherIsFasterByTheMargin) {
  Costs s;
  ControllerOptions o = Costs::options();
  o.hysteresis = 0.05;
  Controller c = s.make(o);
  int kept_slower = 0, switched = 0;
  for (int k = 0; k <= 400; ++k) {
    const double bps = o.min_bps * std::pow(o.max_bps / o.min_bps, k / 400.0);
    const int best = c.choose(bps, -1);
    for (int cur : c.active()) {
      const double keep = total(c, cur, bps), move = total(c, best, bps);
      const int expect = keep > move * (1 + o.hysteresis) ? best : cur;
      ASSERT_EQ(c.choose(bps, cur), expect) << "at " << bps << " bps from plan " << cur;
      kept_slower += expect == cur && keep > move;
      switched += expect != cur;
    }
  }
  EXPECT_GT(kept_slower, 0) << "no case where a slower plan within the margin was kept";
  EXPECT_GT(switched, 0);
}

TEST(ControllerDecisions, BaselineRunsItsOwnDecisionAtTheNearestGridPoint) {
  Costs s;
  ControllerOptions o;
  o.algo = "neurosurgeon";
  o.grid_points = 12;
  o.min_bps = 1e5;
  o.max_bps = 1e9;
  Controller c = s.make(o);
  auto cm = partition::CostModel::create(s.g, s.edge_ms, s.cloud_ms);
  ASSERT_TRUE(cm);
  std::set<int> plans;
  for (int i = 0; i < o.grid_points; ++i) {
    const double bps = o.min_bps * std::pow(o.max_bps / o.min_bps, i / double(o.grid_points - 1));
    auto p = partition::solve("neurosurgeon", *cm, partition::Network{bps, bps, s.rtt_ms});
    ASSERT_TRUE(p);
    const int chosen = c.choose(bps, -1);
    EXPECT_EQ(c.candidates()[chosen].edge_nodes, p->edge_nodes) << "grid point " << i;
    EXPECT_EQ(c.candidates()[chosen].origin.rfind("neurosurgeon@", 0), 0u);
    // Between grid points: the nearest one in log bandwidth.
    EXPECT_EQ(c.choose(bps * 1.3, -1), chosen);
    EXPECT_EQ(c.choose(bps / 1.3, -1), chosen);
    plans.insert(chosen);
  }
  EXPECT_GE(plans.size(), 2u) << "the fixture needs the baseline to change its plan over the grid";
  EXPECT_EQ(c.choose(1, -1), c.choose(o.min_bps, -1));  // clamped to the range
  EXPECT_EQ(c.choose(1e15, -1), c.choose(o.max_bps, -1));
}

// While the wanted plan is being prepared, frames choose among the prepared
// ones: the fastest of those, hysteresis kept among them, none when none is.
TEST(ControllerDecisions, ChoiceAmongUsablePlansIsTheFastestOfThem) {
  Costs s;
  ControllerOptions o = Costs::options();
  o.hysteresis = 0.05;
  Controller c = s.make(o);
  ASSERT_GE(c.active().size(), 3u);
  for (double bps : {1e5, 3e6, 1e8}) {
    const int best = c.choose(bps, -1);
    const auto not_best = [&](int i) { return i != best; };
    int want = -1;
    for (int i : c.active()) {
      if (i != best && (want < 0 || total(c, i, bps) < total(c, want, bps))) want = i;
    }
    EXPECT_EQ(c.choose(bps, -1, not_best), want) << bps;
    EXPECT_EQ(c.choose(bps, best, not_best), want) << "an unusable current plan is no anchor";
    EXPECT_EQ(c.choose(bps, -1, [](int) { return false; }), -1);
  }
  // A baseline whose grid pick is unusable gives way to the fastest usable plan.
  o.algo = "neurosurgeon";
  Controller b = s.make(o);
  const int grid = b.choose(1e6, -1);
  const auto other = [&](int i) { return i != grid; };
  const int fallback = b.choose(1e6, -1, other);
  ASSERT_GE(fallback, 0);
  EXPECT_NE(fallback, grid);
  for (int i : b.active()) {
    if (i != grid) {
      EXPECT_LE(total(b, fallback, 1e6), total(b, i, 1e6));
    }
  }
}

// The demo's comparison: per kind of plan, the best active candidate's prediction.
TEST(ControllerDecisions, KindsArePricedFromTheActiveCandidates) {
  Costs s;
  Controller c = s.make();
  const size_t n = static_cast<size_t>(s.g.num_nodes());
  bool saw_cut = false;
  for (double bps : {1e4, 1e6, 1e8, 1e10}) {
    double eo = -1, co = -1, cut = -1;
    for (int i : c.active()) {
      const size_t e = c.candidates()[i].edge_nodes.size();
      double& slot = e == n ? eo : e == 0 ? co : cut;
      if (slot < 0 || total(c, i, bps) < slot) slot = total(c, i, bps);
    }
    const PlanKinds k = c.kinds(bps);
    EXPECT_EQ(k.edge_only_ms, eo) << bps;
    EXPECT_EQ(k.cloud_only_ms, co) << bps;
    EXPECT_EQ(k.cut_ms, cut) << bps;
    EXPECT_EQ(k.cut.empty(), cut < 0) << bps;
    EXPECT_GE(k.edge_only_ms, 0) << "edge-only is always a candidate";
    // The chosen plan is the fastest kind.
    const double chosen = total(c, c.choose(bps, -1), bps);
    for (double v : {k.edge_only_ms, k.cloud_only_ms, k.cut_ms}) {
      if (v >= 0) {
        EXPECT_LE(chosen, v) << bps;
      }
    }
    saw_cut |= cut >= 0;
  }
  EXPECT_TRUE(saw_cut) << "the fixture's envelope should hold an interior cut";
}

TEST(ControllerDecisions, CorrectionsAreRunningRatiosPerSide) {
  Costs s;
  Controller c = s.make();
  const int edge_only = c.find(graph::all_nodes(s.g));
  ASSERT_GE(edge_only, 0);
  const double e = c.candidates()[edge_only].edge_ms;
  // Edge 4% slower than profiled: fe = 0.75 + 0.25 * 1.04; the cloud side of
  // an edge-only plan (0 ms) says nothing.
  auto r = c.correct(edge_only, 1.04 * e, 5.0);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_FALSE(*r) << "a 1% drift must not rebuild";
  EXPECT_DOUBLE_EQ(c.edge_factor(), 1.01);
  EXPECT_DOUBLE_EQ(c.cloud_factor(), 1.0);
  // A plan with cloud time: tail 8% slower, queued 1/10 of it -> fcc 1.02,
  // queue 0.25 * 0.108 / 1.08 = 0.025.
  int split = -1;
  for (int i : c.active()) split = c.candidates()[i].cloud_ms >= 1.0 ? i : split;
  ASSERT_GE(split, 0);
  const double cl = c.candidates()[split].cloud_ms;
  r = c.correct(split, 0, 1.08 * cl, 0.108 * cl);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_NEAR(c.cloud_factor(), 1.02 * 1.025, 1e-12);
  EXPECT_DOUBLE_EQ(c.edge_factor(), 1.01) << "no head time: the edge factor stays";
  // Predictions carry the factors.
  EXPECT_NEAR(c.predict(split, 1e7).edge_ms, 1.01 * c.predict(split, 1e7, false).edge_ms, 1e-6);
  EXPECT_NEAR(c.predict(split, 1e7).cloud_ms, 1.02 * 1.025 * cl, 1e-6);
  // Bad measurements are errors that change nothing.
  EXPECT_FALSE(c.correct(split, NAN, 1, 0));
  EXPECT_FALSE(c.correct(split, 1, INFINITY, 0));
  EXPECT_FALSE(c.correct(99999, 1, 1, 0));
  EXPECT_NEAR(c.cloud_factor(), 1.02 * 1.025, 1e-12);
}

TEST(ControllerDecisions, DriftPastTheShiftRebuildsTheEnvelopeOfTheCorrectedCosts) {
  Costs s;
  Controller c = s.make();
  const EdgeSets before = active_sets(c);
  const int edge_only = c.find(graph::all_nodes(s.g));
  const double e = c.candidates()[edge_only].edge_ms;
  // 1.3x on the edge: fe 1.075, under the 10% shift: no rebuild.
  auto r = c.correct(edge_only, 1.3 * e, 0);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ(active_sets(c), before);
  // Then ever slower (4x, 16x, ...): every correction past the shift rebuilds
  // for the corrected costs, until the edge is slow enough to change the plans.
  bool changed = false;
  for (int k = 1; k <= 8 && !changed; ++k) {
    r = c.correct(edge_only, std::pow(4.0, k) * e, 0);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_TRUE(*r) << "a shift past 10% must rebuild, k = " << k;
    EXPECT_EQ(active_sets(c), s.envelope(c.edge_factor(), 1.0)) << "k = " << k;
    changed = active_sets(c) != before;
  }
  EXPECT_TRUE(changed) << "the plans never changed; edge factor " << c.edge_factor();
  for (const auto& set : before) EXPECT_GE(c.find(set), 0) << "old plans keep their indices";
}

TEST(ControllerDecisions, ServerLoadMovesPlansToTheEdgeAndBack) {
  Costs s;
  Controller c = s.make();
  const std::vector<double> bands = {1e6, 1e7, 1e8};
  std::vector<double> idle_cloud_ms;
  for (double bps : bands) idle_cloud_ms.push_back(c.candidates()[c.choose(bps, -1)].cloud_ms);
  // Load 4 requests per slot: queue 1.0, the cloud looks 2x slower.
  auto r = c.correct_load(4.0);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_TRUE(*r);
  EXPECT_DOUBLE_EQ(c.cloud_factor(), 2.0);
  EXPECT_EQ(active_sets(c), s.envelope(1.0, 2.0));
  for (size_t i = 0; i < bands.size(); ++i) {
    // A slower cloud never gets more of the work (exchange argument on the optima).
    EXPECT_LE(c.candidates()[c.choose(bands[i], -1)].cloud_ms, idle_cloud_ms[i] + 1e-9) << bands[i];
  }
  // The load ends: the queue decays to exactly 0; each rebuild on the way is
  // the envelope of the factor at that moment.
  double built_fc = 2.0;
  int rebuilds = 0;
  for (int i = 0; i < 40; ++i) {
    auto z = c.correct_load(0);
    ASSERT_TRUE(z);
    if (*z) ++rebuilds, built_fc = c.cloud_factor();
  }
  EXPECT_GE(rebuilds, 3);
  EXPECT_EQ(c.cloud_factor(), 1.0);
  EXPECT_LE(built_fc, 1.0 / 0.9 + 1e-12);  // else 1.0 would be a shift past 10%: a rebuild
  EXPECT_EQ(active_sets(c), s.envelope(1.0, built_fc));
  EXPECT_FALSE(c.correct_load(-1));
  EXPECT_FALSE(c.correct_load(NAN));
  EXPECT_EQ(c.cloud_factor(), 1.0);
}

using testing::chain3;  // published DADS puts a and c on the edge, b in the cloud

TEST(ControllerDecisions, PublishedDadsPlansAreClosedUnderPredecessors) {
  const graph::Graph g = chain3();
  ControllerOptions o;
  o.algo = "dads";
  o.min_bps = 50e6;
  o.max_bps = 200e6;
  o.grid_points = 4;
  auto c = Controller::create(g, {1, 50, 1}, {10, 1, 10}, o, 0);
  ASSERT_TRUE(c) << c.status().message();
  int repaired = 0;
  for (int i : c->active()) {
    const Candidate& k = c->candidates()[i];
    EXPECT_TRUE(graph::check_predecessor_closed(g, k.edge_nodes).is_ok()) << k.origin;
    if (k.repaired) {
      ++repaired;
      EXPECT_EQ(k.edge_nodes, graph::all_nodes(g)) << "the closure of {a, c} is everything";
    }
  }
  EXPECT_GT(repaired, 0);
  o.algo = "dads-fixed";
  auto fixed = Controller::create(g, {1, 50, 1}, {10, 1, 10}, o, 0);
  ASSERT_TRUE(fixed);
  for (int i : fixed->active()) EXPECT_FALSE(fixed->candidates()[i].repaired);
}

// A rebuild that fails (the corrected times overflow the cost model's range)
// leaves the plans, the choice and the corrections as they were. Uses only
// the interface the controller had before its rebuild became a transaction.
TEST(ControllerDecisions, FailedRebuildLeavesTheActivePlansAsTheyWere) {
  Costs s;
  Controller c = s.make();
  const size_t n = c.candidates().size();
  std::vector<int> chosen;
  for (double bps : {3e5, 4e6, 7e7, 1e9}) chosen.push_back(c.choose(bps, -1));
  EXPECT_FALSE(c.calibrate(1e12, 1.0).is_ok());
  EXPECT_EQ(c.edge_factor(), 1.0);
  EXPECT_EQ(c.candidates().size(), n);
  int k = 0;
  for (double bps : {3e5, 4e6, 7e7, 1e9}) EXPECT_EQ(c.choose(bps, -1), chosen[k++]) << bps;
  // Through a correction: a head time 1e15 x the profile.
  const int edge_only = c.find(graph::all_nodes(s.g));
  const auto active = c.active();
  auto r = c.correct(edge_only, 1e15 * c.candidates()[edge_only].edge_ms, 0);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("over 1e9 ms"), std::string::npos) << r.status().message();
  EXPECT_EQ(c.active(), active);
  EXPECT_EQ(c.edge_factor(), 1.0);
  // The compatibility form reports it too instead of swallowing it.
  EXPECT_FALSE(c.observe(edge_only, 1e15 * c.candidates()[edge_only].edge_ms, 0));
  EXPECT_FALSE(c.last_error().is_ok());
  EXPECT_EQ(c.active(), active);
  EXPECT_FALSE(c.observe(edge_only, c.candidates()[edge_only].edge_ms, 0));  // no drift, no error
  EXPECT_TRUE(c.last_error().is_ok()) << c.last_error().message();
}

TEST(ControllerDecisions, OneListOfAlgorithmNames) {
  Costs s;
  for (bool throughput : {false, true}) {
    for (const std::string& name : Controller::algorithm_names(throughput)) {
      ControllerOptions o;
      o.algo = name;
      o.throughput = throughput;
      o.grid_points = 4;
      auto c = Controller::create(s.g, s.edge_ms, s.cloud_ms, o, 1);
      EXPECT_TRUE(c) << name << ": " << c.status().message();
    }
  }
  ControllerOptions o;
  o.algo = "dsh";  // a throughput baseline only
  auto c = Controller::create(s.g, s.edge_ms, s.cloud_ms, o, 1);
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("qdmp"), std::string::npos) << c.status().message();
  o.algo = "brute";
  EXPECT_FALSE(Controller::create(s.g, s.edge_ms, s.cloud_ms, o, 1));
}

}  // namespace
}  // namespace edgecut::runtime
