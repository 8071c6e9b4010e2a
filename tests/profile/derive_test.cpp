// The segment method's math on synthetic engines: additive costs with a
// per-run overhead, fusion that makes a node free after its producer, noise.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "profile/boundaries.h"
#include "profile/drift.h"
#include "profile/profile.h"
#include "profile/stats.h"
#include "zoo_model.h"

namespace edgecut::profile {
namespace {

double sum_range(const std::vector<double>& w, int from, int to) {  // [from, to)
  return std::accumulate(w.begin() + from, w.begin() + to, 0.0);
}

// A synthetic engine: a run of positions [a, b) costs the sum of `cost`, plus
// `overhead`, minus `fused` for every fusable pair (i, i+1) with both inside.
struct Synthetic {
  std::vector<double> cost;
  std::vector<char> fuses_with_next;  // position i's successor is free when both run together
  double overhead = 0.3;
  double run(int a, int b) const {
    double t = overhead;
    for (int i = a; i < b; ++i) {
      bool fused = i > a && fuses_with_next[i - 1];
      t += fused ? 0 : cost[i];
    }
    return t;
  }
};

std::vector<Boundary> measure_all(const Synthetic& s, const std::vector<int>& pos) {
  const int n = static_cast<int>(s.cost.size());
  std::vector<Boundary> b;
  for (int p : pos) b.push_back({p, s.run(0, p + 1), s.run(p + 1, n)});
  return b;
}

TEST(Derive, AdditiveWithOverheadIsExactForHeadsAndTails) {
  Synthetic s;
  s.cost = {1, 2, 0.5, 3, 1, 4, 0.25, 2};
  s.fuses_with_next.assign(s.cost.size(), 0);
  const int n = static_cast<int>(s.cost.size());
  std::vector<int> pos(n - 1);
  std::iota(pos.begin(), pos.end(), 0);
  Derivation d = derive_segment_weights(s.run(0, n), measure_all(s, pos), s.cost);
  EXPECT_NEAR(d.split_overhead_ms, s.overhead, 1e-9);
  EXPECT_NEAR(d.total_ms, s.run(0, n) + s.overhead, 1e-9);
  for (int p = 0; p < n - 1; ++p) {
    EXPECT_NEAR(sum_range(d.weights, 0, p + 1), s.run(0, p + 1), 1e-9) << "head through " << p;
    EXPECT_NEAR(sum_range(d.weights, p + 1, n), s.run(p + 1, n), 1e-9) << "tail after " << p;
  }
  // The overheads land on the ends, which every head / tail contains.
  EXPECT_NEAR(d.weights.front(), s.cost.front() + s.overhead, 1e-9);
  EXPECT_NEAR(d.weights.back(), s.cost.back() + s.overhead, 1e-9);
}

// The planner's per-side costs (profile::side_ms) from derived weights: a
// split side pays one run each, and so does a side that holds the whole
// model (edge-only, cloud-only), which the weights alone count twice.
TEST(SideMs, EverySideIncludingTheWholeModelPaysOneRun) {
  const graph::Model m = edgecut::testing::zoo_model("resnet18");
  const graph::Graph& g = m.graph;
  const int n = g.num_nodes();
  Synthetic s;
  for (int i = 0; i < n; ++i) s.cost.push_back(0.5 + i % 3);
  s.fuses_with_next.assign(n, 0);
  std::vector<int> pos(n - 1);
  std::iota(pos.begin(), pos.end(), 0);
  Derivation d = derive_segment_weights(s.run(0, n), measure_all(s, pos), s.cost);
  Profile p;
  p.node_ms.assign(n, 0.0);
  for (int i = 0; i < n; ++i) p.node_ms[g.topo[i]] = d.weights[i];
  p.extra["split_overhead_ms"] = d.split_overhead_ms;
  const std::vector<double> edge = side_ms(p, g, Side::kEdge), cloud = side_ms(p, g, Side::kCloud);
  auto over = [&](const std::vector<double>& ms, int from, int to) {  // topological positions [from, to)
    double t = 0;
    for (int i = from; i < to; ++i) t += ms[g.topo[i]];
    return t;
  };
  EXPECT_NEAR(over(edge, 0, n), s.run(0, n), 1e-9) << "edge-only";
  EXPECT_NEAR(over(cloud, 0, n), s.run(0, n), 1e-9) << "cloud-only";
  EXPECT_NEAR(over(p.node_ms, 0, n), s.run(0, n) + s.overhead, 1e-9) << "the weights alone";
  for (int k = 0; k < n - 1; ++k) {
    EXPECT_NEAR(over(edge, 0, k + 1), s.run(0, k + 1), 1e-9) << "head through " << k;
    EXPECT_NEAR(over(cloud, k + 1, n), s.run(k + 1, n), 1e-9) << "tail after " << k;
  }
  p.extra = nlohmann::json::object();  // other methods: no per-run term, no change
  EXPECT_EQ(side_ms(p, g, Side::kEdge), p.node_ms);
  p.extra["split_overhead_ms"] = "2";  // a hand-edited file: no term, and no throw
  EXPECT_EQ(side_ms(p, g, Side::kCloud), p.node_ms);
}

// A split cost that depends on where the cut is (on ORT: reorders and lost
// fusion at the cut), paid in part by the prefix and in part by the suffix.
// One set of weights sums to one total for every cut and cannot follow it;
// the per-side weights predict every measured head and tail exactly, and
// edge-only / cloud-only plans as the whole net.
TEST(Derive, SideWeightsFollowACutDependentSplitCost) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> cut(0.0, 1.5);
  Synthetic s;
  const int n = 24;
  for (int i = 0; i < n; ++i) s.cost.push_back(2.0 + i % 4);
  s.fuses_with_next.assign(n, 0);
  std::vector<int> pos(n - 1);
  std::iota(pos.begin(), pos.end(), 0);
  std::vector<Boundary> b = measure_all(s, pos);
  std::vector<double> head_extra(n - 1), tail_extra(n - 1);
  for (int p = 0; p < n - 1; ++p) {
    head_extra[p] = cut(rng), tail_extra[p] = cut(rng);
    b[p].prefix_ms += head_extra[p];
    b[p].suffix_ms += tail_extra[p];
  }
  const double whole = s.run(0, n);
  Derivation d = derive_side_weights(whole, b, s.cost);
  ASSERT_EQ(d.head_weights.size(), static_cast<size_t>(n));
  ASSERT_EQ(d.tail_weights.size(), static_cast<size_t>(n));
  double one_set_err = 0;
  for (int p = 0; p < n - 1; ++p) {
    const double head = s.run(0, p + 1) + head_extra[p], tail = s.run(p + 1, n) + tail_extra[p];
    // Monotone truth here (every node costs >= 2 > the cut costs' spread):
    // the isotonic fit keeps every knot.
    EXPECT_NEAR(sum_range(d.head_weights, 0, p + 1), head, 1e-9) << "head through " << p;
    EXPECT_NEAR(sum_range(d.tail_weights, p + 1, n), tail, 1e-9) << "tail after " << p;
    one_set_err +=
        std::fabs(sum_range(d.weights, 0, p + 1) - head) + std::fabs(sum_range(d.weights, p + 1, n) - tail);
  }
  EXPECT_GT(one_set_err / (n - 1), 0.2) << "one set of weights cannot follow the split cost";
  EXPECT_NEAR(sum_range(d.head_weights, 0, n), whole, 1e-9) << "edge-only";
  EXPECT_NEAR(sum_range(d.tail_weights, 0, n), whole, 1e-9) << "cloud-only";
  // Noisy, non-monotone sides still give non-negative weights summing to the whole.
  std::normal_distribution<double> noise(0, 2.0);
  for (auto& x : b) x.prefix_ms += noise(rng), x.suffix_ms += noise(rng);
  d = derive_side_weights(whole, b, s.cost);
  for (const auto* w : {&d.head_weights, &d.tail_weights}) {
    for (double x : *w) EXPECT_GE(x, 0);
    EXPECT_NEAR(sum_range(*w, 0, n), whole, 1e-9);
  }
}

// A profile with per-side weights: side_ms gives each side its own, the
// file keeps them, and a file with them on some nodes only is refused.
TEST(SideMs, PerSideWeightsRoundTripAndDecide) {
  const graph::Model m = edgecut::testing::zoo_model("resnet18");
  const graph::Graph& g = m.graph;
  const int n = g.num_nodes();
  Profile p;
  p.model = g.name;
  p.model_hash = g.structure_hash();
  p.method = "segment";
  for (int i = 0; i < n; ++i) {
    p.node_ms.push_back(1.0 + i);
    p.head_ms.push_back(2.0 + i);
    p.tail_ms.push_back(3.0 + i);
  }
  p.extra["split_overhead_ms"] = 0.5;  // not applied: the sides are measured
  EXPECT_EQ(side_ms(p, g, Side::kEdge), p.head_ms);
  EXPECT_EQ(side_ms(p, g, Side::kCloud), p.tail_ms);
  nlohmann::json j = to_json(p, g);
  auto back = parse_for(j.dump(), "mem.json", g);
  ASSERT_TRUE(back) << back.status().message();
  EXPECT_EQ(back->head_ms, p.head_ms);
  EXPECT_EQ(back->tail_ms, p.tail_ms);
  j["nodes"][3].erase("tail_ms");
  auto one = parse_for(j.dump(), "mem.json", g);
  ASSERT_FALSE(one);
  EXPECT_NE(one.status().message().find("without the other"), std::string::npos) << one.status().message();
  j["nodes"][3].erase("head_ms");
  auto some = parse_for(j.dump(), "mem.json", g);
  ASSERT_FALSE(some);
  EXPECT_NE(some.status().message().find("all or none"), std::string::npos) << some.status().message();
  j["nodes"][3]["head_ms"] = -1;
  j["nodes"][3]["tail_ms"] = 1;
  auto neg = parse_for(j.dump(), "mem.json", g);
  ASSERT_FALSE(neg);
  EXPECT_NE(neg.status().message().find("invalid head_ms"), std::string::npos) << neg.status().message();
}

TEST(Derive, FewBoundariesInterpolateByShape) {
  Synthetic s;
  s.cost = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  s.fuses_with_next.assign(s.cost.size(), 0);
  s.overhead = 0;
  const int n = static_cast<int>(s.cost.size());
  // Shape proportional to the truth: interpolation is exact everywhere.
  Derivation d = derive_segment_weights(s.run(0, n), measure_all(s, {0, 4, 8}), s.cost);
  for (int i = 0; i < n; ++i) EXPECT_NEAR(d.weights[i], s.cost[i], 1e-9);
  // Flat shape: exact at the boundaries, equal split in between.
  std::vector<double> flat(n, 1.0);
  d = derive_segment_weights(s.run(0, n), measure_all(s, {0, 4, 8}), flat);
  EXPECT_NEAR(sum_range(d.weights, 0, 5), s.run(0, 5), 1e-9);
  EXPECT_NEAR(d.weights[1], d.weights[2], 1e-9);
  // Zero shape in a gap: equal split, still non-negative.
  std::vector<double> zero(n, 0.0);
  d = derive_segment_weights(s.run(0, n), measure_all(s, {4}), zero);
  EXPECT_NEAR(sum_range(d.weights, 0, 5), s.run(0, 5), 1e-9);
  for (double w : d.weights) EXPECT_GE(w, 0);
}

TEST(Derive, FusedNodesGetTheirFusedCost) {
  Synthetic s;
  s.cost = {4, 1, 1, 4, 1, 1, 2};  // conv, bn, relu, conv, bn, relu, fc
  s.fuses_with_next = {1, 1, 0, 1, 1, 0, 0};
  s.overhead = 0.1;
  const int n = static_cast<int>(s.cost.size());
  // Every position measured: splitting a fused chain costs the lost fusion,
  // so the median split cost is off by it and predictions by at most that
  // (shared between the sides, the longer side taking the larger share).
  std::vector<int> pos(n - 1);
  std::iota(pos.begin(), pos.end(), 0);
  Derivation d = derive_segment_weights(s.run(0, n), measure_all(s, pos), s.cost);
  for (int p = 0; p < n - 1; ++p) {
    const double head_err = std::fabs(sum_range(d.weights, 0, p + 1) - s.run(0, p + 1));
    const double tail_err = std::fabs(sum_range(d.weights, p + 1, n) - s.run(p + 1, n));
    EXPECT_LE(head_err + tail_err, 1.0 + 1e-9) << p;
  }
  for (double w : d.weights) EXPECT_GE(w, 0);
  // Isolated timing would predict the whole net at sum(cost) + n * overhead: far off.
  const double whole = s.run(0, n);
  double isolated = std::accumulate(s.cost.begin(), s.cost.end(), 0.0) + n * s.overhead;
  EXPECT_GT(isolated - whole, 3.0);
  // Boundaries where choose_boundaries puts them (after the fused chains; the
  // engine's layer profile reads 0 for bn / relu): both sides exact at those cuts.
  std::vector<double> layer = {4, 0, 0, 4, 0, 0, 2};
  std::vector<int> chosen = choose_boundaries(layer, std::vector<char>(n, 0), 3);
  EXPECT_EQ(chosen, (std::vector<int>{0, 2, 5}));
  d = derive_segment_weights(whole, measure_all(s, {2, 5}), layer);
  EXPECT_NEAR(d.split_overhead_ms, s.overhead, 1e-9);
  for (int p : {2, 5}) {
    EXPECT_NEAR(sum_range(d.weights, 0, p + 1), s.run(0, p + 1), 1e-9);
    EXPECT_NEAR(sum_range(d.weights, p + 1, n), s.run(p + 1, n), 1e-9);
  }
  EXPECT_NEAR(d.weights[1], 0, 1e-9);  // fused bn: free
}

TEST(Derive, NoisyNonMonotoneTimesGiveNonNegativeWeights) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 0.4);
  Synthetic s;
  s.cost.assign(40, 0.2);
  s.fuses_with_next.assign(40, 0);
  const int n = 40;
  std::vector<int> pos(n - 1);
  std::iota(pos.begin(), pos.end(), 0);
  auto b = measure_all(s, pos);
  for (auto& x : b) x.prefix_ms += noise(rng), x.suffix_ms += noise(rng);
  Derivation d = derive_segment_weights(s.run(0, n), b, s.cost);
  for (double w : d.weights) EXPECT_GE(w, 0);
  EXPECT_NEAR(std::accumulate(d.weights.begin(), d.weights.end(), 0.0), d.total_ms, 1e-9);
  for (size_t k = 1; k < d.knots_ms.size(); ++k) EXPECT_LE(d.knots_ms[k - 1], d.knots_ms[k]);
  // Noise averages out over a long prefix: within a few noise sigmas.
  EXPECT_NEAR(sum_range(d.weights, 0, 20), s.run(0, 20), 1.5);
}

TEST(Derive, TheShortSideOfACutKeepsItsRelativeAccuracy) {
  // Long prefix measured 10% low by noise, its 1 ms suffix exactly: the
  // small tail must not inherit the long run's error.
  std::vector<double> shape(10, 10.0);
  shape[9] = 1;
  const double whole = 91;
  Derivation d = derive_segment_weights(whole, {{8, 90 * 0.9, 1.0}}, shape);
  EXPECT_NEAR(d.weights[9], 1.0, 0.05);
  EXPECT_NEAR(sum_range(d.weights, 0, 9), 90, 0.05 * 90);
}

TEST(Derive, DegenerateInputs) {
  EXPECT_TRUE(derive_segment_weights(1, {}, {}).weights.empty());
  Derivation d = derive_segment_weights(5, {}, {1, 1, 2});  // no boundary: whole spread by shape
  EXPECT_NEAR(d.weights[2], 2.5, 1e-9);
  EXPECT_DOUBLE_EQ(d.split_overhead_ms, 0);
  // Out-of-range / unordered boundaries are skipped, not trusted.
  d = derive_segment_weights(4, {{5, 1, 1}, {-1, 1, 1}}, {1, 1, 1, 1});
  EXPECT_NEAR(std::accumulate(d.weights.begin(), d.weights.end(), 0.0), d.total_ms, 1e-9);
}

TEST(ChooseBoundaries, EndsCountAndCutVertices) {
  const int n = 30;
  std::vector<double> shape(n, 1.0);
  std::vector<char> cut(n, 0);
  cut[9] = cut[14] = cut[21] = 1;
  auto b = choose_boundaries(shape, cut, 6);
  ASSERT_EQ(b.size(), 6u);
  EXPECT_EQ(b.front(), 0);
  EXPECT_EQ(b.back(), n - 2);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
  EXPECT_NE(std::find(b.begin(), b.end(), 14), b.end());  // the middle gap snaps to its cut vertex
  // Everything when asked for more than there is.
  EXPECT_EQ(choose_boundaries(shape, cut, 100).size(), static_cast<size_t>(n - 1));
  EXPECT_TRUE(choose_boundaries({1.0}, {0}, 3).empty());
  EXPECT_EQ(choose_boundaries({1.0, 1.0}, {0, 0}, 3), std::vector<int>{0});
}

TEST(ChooseBoundaries, FollowsTimeNotNodeCount) {
  // One heavy node in the middle: boundaries crowd around the heavy stretch's edges.
  std::vector<double> shape(21, 0.1);
  shape[10] = 100;
  std::vector<char> cut(21, 0);
  auto b = choose_boundaries(shape, cut, 4);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_TRUE(std::find(b.begin(), b.end(), 10) != b.end() || std::find(b.begin(), b.end(), 9) != b.end());
  // Zero-time stretches are still split eventually (no infinite loop, all distinct).
  std::vector<double> zeros(12, 0.0);
  auto z = choose_boundaries(zeros, std::vector<char>(12, 0), 8);
  EXPECT_EQ(z.size(), 8u);
}

// A machine whose state changes between runs, non-uniformly: in state s,
// "memory-bound" nodes (odd ids) are slowed by factor m[s] and the others by
// c[s]. The engine reports each node's time in the run; a run also pays a
// fixed overhead the layer times do not show.
struct DriftingMachine {
  std::vector<double> base;  // per node, reference-state ms
  std::vector<double> c = {1.0, 1.1, 1.25};
  std::vector<double> m = {1.0, 1.4, 1.8};
  double overhead = 0.2;
  double factor(int v, int state) const { return (v % 2 ? m : c)[state]; }
  void run(Runs* r, int state) const {
    std::vector<double> layers(base.size(), 0.0);
    double t = overhead;
    for (graph::NodeId v : r->nodes) t += (layers[v] = base[v] * factor(v, state));
    r->ms.push_back(t);
    r->layers.push_back(std::move(layers));
  }
};

TEST(StateNormaliser, MapsNonUniformDriftBackToOneState) {
  DriftingMachine machine;
  machine.base = {3, 1, 2, 4, 0.5, 2.5, 1.5, 6};
  const int n = static_cast<int>(machine.base.size());
  // Segments measured in different (mostly drifted) states: each is seen in
  // state 0 only once in five runs, as a noisy shared machine does.
  Runs head{{0, 1, 2}, {}, {}}, tail{{3, 4, 5, 6, 7}, {}, {}}, whole{{0, 1, 2, 3, 4, 5, 6, 7}, {}, {}};
  for (int r = 0; r < 5; ++r) {
    machine.run(&head, r == 0 ? 0 : 1);
    machine.run(&tail, r == 0 ? 0 : 2);
    machine.run(&whole, r % 3);
  }
  StateNormaliser state(n, {&head, &tail, &whole});
  ASSERT_TRUE(state.ok());
  // The reference state is a per-node median of the states seen; every
  // estimate is the run time in that one state (overhead included, unscaled
  // only by the share the layer times cannot see).
  for (const Runs* r : {&head, &tail, &whole}) {
    double layers_ref = 0;
    for (graph::NodeId v : r->nodes) layers_ref += state.reference()[v];
    const double est = state.normalised_quantile_ms(*r, 0.5);
    EXPECT_GT(est, layers_ref);
    EXPECT_LT(est, layers_ref + 2 * machine.overhead);
  }
  // Head + tail (two overheads) vs whole (one): the same state, so the split
  // cost is about one overhead, whatever states the runs were made in.
  const double split = state.normalised_quantile_ms(head, 0.5) + state.normalised_quantile_ms(tail, 0.5) -
                       state.normalised_quantile_ms(whole, 0.5);
  EXPECT_NEAR(split, machine.overhead, 0.1);
  // Plain medians mix states: the same split looks several ms wide.
  const double raw_split = median(head.ms) + median(tail.ms) - median(whole.ms);
  EXPECT_GT(std::fabs(raw_split - machine.overhead), 1.0);
}

TEST(StateNormaliser, NotUsableWithoutLayerTimes) {
  Runs r{{0, 1}, {1.0, 1.1}, {}};
  StateNormaliser state(2, {&r});
  EXPECT_FALSE(state.ok());
  Runs wrong{{0, 1}, {1.0}, {{0.5}}};  // layer vector of the wrong size
  EXPECT_FALSE(StateNormaliser(2, {&wrong}).ok());
}

}  // namespace
}  // namespace edgecut::profile
