// The segment method: prefix and suffix runs at chosen boundaries, corrected
// for the machine's drift, turned into per-node weights.
//
//   plan_segments   boundaries and batches from the first whole-net run
//   measure_batch   one executor, the whole net plus its batch's boundaries
//   correct_drift   state normalisation, or batch scaling of paired shares
//                   when the engine has no per-layer times
//   segment_profile weights and the statistics recorded in Profile::extra
#include <algorithm>
#include <cmath>
#include <numeric>

#include "graph/segment.h"
#include "graph/structure.h"
#include "profile/boundaries.h"
#include "profile/drift.h"
#include "profile/methods.h"
#include "profile/segment_timer.h"

namespace edgecut::profile::detail {
namespace {

// Per-position shape from FLOPs when the engine has no per-layer times: a
// small per-node constant keeps FLOP-free nodes (pooling, concat) above 0.
std::vector<double> flops_shape(const graph::Graph& g, double whole_ms) {
  double total_flops = 0;
  for (double f : g.flops) total_flops += f;
  std::vector<double> shape(g.topo.size());
  double per_node = 0.2 * whole_ms / std::max<size_t>(1, g.topo.size());
  for (size_t i = 0; i < g.topo.size(); ++i) {
    double f = g.flops.empty() ? 0 : g.flops[g.topo[i]];
    shape[i] = per_node + (total_flops > 0 ? 0.8 * whole_ms * f / total_flops : 0);
  }
  return shape;
}

// What to measure, chosen from the first whole-net run.
struct SegmentPlan {
  double whole_ms = 0;        // first whole-net time (>= 1 us): cost guesses and B
  std::vector<double> shape;  // expected time per topological position
  std::string shape_source;   // "layerwise" or "flops"
  std::vector<char> is_cut;   // per position: a cut vertex
  std::vector<double> cum;    // cumulative shape
  std::vector<int> bounds;    // boundary positions, ascending
  int batches = 1, per_batch = 1;
};

// One boundary's timed runs.
struct BoundaryRuns {
  int batch = 0;
  Runs prefix, suffix;  // every timed run, with the engine's layer times
  double prefix_spread = 0, suffix_spread = 0;
};

// Everything the batches measured.
struct Measured {
  std::vector<BoundaryRuns> bounds;  // aligned with SegmentPlan::bounds
  std::vector<Runs> wholes;          // the whole net, once per batch
  std::vector<double> batch_whole;   // kept statistic of each batch's whole runs
  nlohmann::json batch_json = nlohmann::json::array();
  int wide = 0, retried = 0, segments = 0;
};

// Boundary times and the whole net, all in one state of the machine.
struct Corrected {
  std::vector<Boundary> boundaries;
  double whole_ms = 0;
  std::vector<double> whole_layer_ms;
  bool state_normalised = false;
  nlohmann::json batch_scale = nlohmann::json::array();
};

SegmentPlan plan_segments(const graph::Graph& g, const Whole& whole, const MeasureOptions& o) {
  const int n = g.num_nodes();
  SegmentPlan plan;
  plan.whole_ms = std::max(whole.ms, 1e-3);
  plan.shape.assign(n, 0.0);
  plan.shape_source = "layerwise";
  if (!whole.layer_ms.empty() && std::accumulate(whole.layer_ms.begin(), whole.layer_ms.end(), 0.0) > 0) {
    for (int i = 0; i < n; ++i) plan.shape[i] = whole.layer_ms[g.topo[i]];
  } else {
    plan.shape = flops_shape(g, plan.whole_ms);
    plan.shape_source = "flops";
  }
  graph::Structure st = graph::analyze(g);
  plan.is_cut.assign(n, 0);
  for (graph::NodeId v : st.cut_vertices()) plan.is_cut[st.pos[v] - 1] = 1;
  // B from the budget: a boundary costs a prefix and a suffix run (~ one
  // whole run) per round, plus warm-up and the engine's check run at prepare.
  const double per_boundary_s = plan.whole_ms * 1.1 * (o.repeat + o.warmup + 1) / 1e3;
  int count = static_cast<int>(o.budget_s / std::max(per_boundary_s, 1e-6));
  count = std::clamp(count, std::min(o.min_boundaries, o.max_boundaries), o.max_boundaries);
  count = std::clamp(count, 0, n - 1);
  if (n >= 2) plan.bounds = choose_boundaries(plan.shape, plan.is_cut, count);
  // Batches bounded by memory; boundaries are dealt round the batches so that
  // a slow phase of the machine does not hit one stretch of the model.
  const int nb = static_cast<int>(plan.bounds.size());
  const double per_pair = 1.3 * static_cast<double>(std::max<int64_t>(g.weight_bytes(), 1));
  plan.per_batch = std::max(1, static_cast<int>(o.memory_bytes / per_pair));
  plan.batches = std::max(1, (nb + plan.per_batch - 1) / plan.per_batch);
  plan.cum.resize(n);
  double acc = 0;
  for (int i = 0; i < n; ++i) plan.cum[i] = (acc += plan.shape[i]);
  return plan;
}

// Measures batch k: a fresh executor with the whole net and boundaries
// k, k + batches, ...; each boundary's prefix and suffix form one group.
Status measure_batch(const ExecutorFactory& make, const graph::Graph& g, const SegmentPlan& plan, int k,
                     const MeasureOptions& o, const MeasureOptions& ob, Measured* m) {
  const int nb = static_cast<int>(plan.bounds.size());
  const double from = 0.06 + 0.94 * k / plan.batches, to = 0.06 + 0.94 * (k + 1) / plan.batches;
  const double shape_total = std::max(plan.cum.back(), 1e-12);
  EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex, make());
  SegmentTimer timer(ex.get(), &g, o.seed + 2 + k);
  EDGECUT_ASSIGN_OR_RETURN(int w, timer.add(graph::all_nodes(g), "whole", plan.whole_ms));
  std::vector<std::pair<int, int>> ids;  // per boundary of this batch: (prefix, suffix)
  for (int b = k; b < nb; b += plan.batches) {
    const int pos = plan.bounds[b];
    report(o, from + (to - from) * 0.2 * ids.size() / std::max(1, plan.per_batch),
           fmt::format("prepare cut {}/{}", b + 1, nb));
    std::vector<graph::NodeId> head(g.topo.begin(), g.topo.begin() + pos + 1);
    std::vector<graph::NodeId> tail(g.topo.begin() + pos + 1, g.topo.end());
    std::sort(head.begin(), head.end());
    std::sort(tail.begin(), tail.end());
    const double frac = plan.cum[pos] / shape_total;
    const std::string& at = g.nodes[g.topo[pos]].name;
    EDGECUT_ASSIGN_OR_RETURN(int ph, timer.add(head, "prefix@" + at, plan.whole_ms * frac, b));
    EDGECUT_ASSIGN_OR_RETURN(int pt, timer.add(tail, "suffix@" + at, plan.whole_ms * (1 - frac), b));
    ids.emplace_back(ph, pt);
    m->bounds[b].prefix.nodes = std::move(head);
    m->bounds[b].suffix.nodes = std::move(tail);
  }
  for (int i = 0; i < timer.size(); ++i) timer.collect_layer_times(i);
  EDGECUT_RETURN_IF_ERROR(timer.measure(ob, from + (to - from) * 0.2, to));
  m->wholes.push_back({graph::all_nodes(g), timer.samples(w), timer.layer_runs(w)});
  m->batch_whole[k] = timer.quantile_ms(w, o.quantile);
  for (int b = k, j = 0; b < nb; b += plan.batches, ++j) {
    auto [ph, pt] = ids[j];
    BoundaryRuns& br = m->bounds[b];
    br.batch = k;
    br.prefix_spread = timer.summary(ph).spread();
    br.suffix_spread = timer.summary(pt).spread();
    br.prefix.ms = timer.samples(ph);
    br.prefix.layers = timer.layer_runs(ph);
    br.suffix.ms = timer.samples(pt);
    br.suffix.layers = timer.layer_runs(pt);
  }
  for (int i = 0; i < timer.size(); ++i) {
    m->wide += timer.summary(i).spread() > o.max_spread;
    m->retried += timer.retries(i) > 0;
  }
  m->segments += timer.size();
  m->batch_json.push_back(timer.to_json(w));
  return Status::ok();
}

// Without per-layer times. Within a batch, the prefix's share of each
// back-to-back prefix + suffix pair is free of the machine's drift; only the
// pair's total is not. Between batches, each is scaled so that the median of
// its pair sums matches the median over all batches (2 runs per boundary:
// far less noisy than one whole-net run per batch).
Corrected scale_batches(const SegmentPlan& plan, const Measured& m, double q) {
  const int nb = static_cast<int>(plan.bounds.size());
  std::vector<double> prefix_ms(nb), suffix_ms(nb), pair_sums(nb);
  for (int b = 0; b < nb; ++b) {
    const auto& sp = m.bounds[b].prefix.ms;
    const auto& ss = m.bounds[b].suffix.ms;
    std::vector<double> sums;
    for (size_t r = 0; r < std::min(sp.size(), ss.size()); ++r) sums.push_back(sp[r] + ss[r]);
    const double pair = quantile(sums, q);
    const double share = paired_ratio(sp, {&sp, &ss}, q);
    prefix_ms[b] = share * pair;
    suffix_ms[b] = (1 - share) * pair;
    pair_sums[b] = prefix_ms[b] + suffix_ms[b];
  }
  const double pair_ref = median(pair_sums);
  std::vector<double> scale(plan.batches, 1.0), batch_whole = m.batch_whole;
  Corrected c;
  for (int k = 0; k < plan.batches; ++k) {
    std::vector<double> mine;
    for (int b = 0; b < nb; ++b) {
      if (m.bounds[b].batch == k) mine.push_back(pair_sums[b]);
    }
    const double med = median(mine);
    if (plan.batches > 1 && med > 0 && pair_ref > 0) scale[k] = pair_ref / med;
    batch_whole[k] *= scale[k];
    c.batch_scale.push_back(scale[k]);
  }
  c.whole_ms = median(batch_whole);
  for (int b = 0; b < nb; ++b) {
    const double s = scale[m.bounds[b].batch];
    c.boundaries.push_back({plan.bounds[b], prefix_ms[b] * s, suffix_ms[b] * s});
  }
  return c;
}

// Every run mapped to one reference state of the machine (StateNormaliser)
// when the engine gave per-layer times for all of them; batch scaling of
// paired shares otherwise.
Corrected correct_drift(const graph::Graph& g, const SegmentPlan& plan, const Measured& m, const Whole& whole,
                        double q) {
  std::vector<const Runs*> all_runs;
  for (const BoundaryRuns& br : m.bounds) all_runs.push_back(&br.prefix);
  for (const BoundaryRuns& br : m.bounds) all_runs.push_back(&br.suffix);
  for (const Runs& r : m.wholes) all_runs.push_back(&r);
  StateNormaliser state(g.num_nodes(), all_runs);
  if (!state.ok()) {
    Corrected c = scale_batches(plan, m, q);
    // The engine's per-layer times of the whole net at profiling time, in the
    // state the weights are built on: bench accuracy compares them with the
    // per-layer times at checking time to tell a drifted machine from a
    // wrong prediction.
    c.whole_layer_ms = whole.layer_ms;
    return c;
  }
  Corrected c;
  c.state_normalised = true;
  for (size_t b = 0; b < plan.bounds.size(); ++b) {
    c.boundaries.push_back({plan.bounds[b], state.normalised_quantile_ms(m.bounds[b].prefix, q),
                            state.normalised_quantile_ms(m.bounds[b].suffix, q)});
  }
  std::vector<double> ws;
  for (const Runs& r : m.wholes) ws.push_back(state.normalised_quantile_ms(r, q));
  c.whole_ms = median(ws);
  c.whole_layer_ms = state.reference();
  return c;
}

nlohmann::json boundaries_json(const graph::Graph& g, const SegmentPlan& plan, const Measured& m,
                               const Corrected& c, const Derivation& d) {
  nlohmann::json jb = nlohmann::json::array();
  for (size_t b = 0; b < plan.bounds.size(); ++b) {
    const Boundary& x = c.boundaries[b];
    jb.push_back({{"pos", x.pos},
                  {"node", g.nodes[g.topo[x.pos]].name},
                  {"cut_vertex", plan.is_cut[x.pos] != 0},
                  {"batch", m.bounds[b].batch},
                  {"prefix_ms", x.prefix_ms},
                  {"prefix_spread", m.bounds[b].prefix_spread},
                  {"suffix_ms", x.suffix_ms},
                  {"suffix_spread", m.bounds[b].suffix_spread},
                  {"split_cost_ms", x.prefix_ms + x.suffix_ms - c.whole_ms},
                  {"fit_prefix_ms", d.knots_ms[b]}});
  }
  return jb;
}

// The first executor's facts that the profile records.
struct EngineFacts {
  nlohmann::json options;
  int threads = 1;
};

Profile segment_profile(const graph::Graph& g, const MeasureOptions& o, const EngineFacts& facts,
                        const Whole& whole, const SegmentPlan& plan, const Measured& m, const Corrected& c) {
  Derivation d = derive_side_weights(c.whole_ms, c.boundaries, plan.shape);
  Profile p;
  p.method = "segment";
  p.threads = facts.threads;
  p.model = g.name;
  p.model_hash = g.structure_hash();
  p.node_ms.assign(g.num_nodes(), 0.0);
  p.head_ms.assign(g.num_nodes(), 0.0);
  p.tail_ms.assign(g.num_nodes(), 0.0);
  for (int i = 0; i < g.num_nodes(); ++i) {
    p.node_ms[g.topo[i]] = d.weights[i];
    p.head_ms[g.topo[i]] = d.head_weights[i];
    p.tail_ms[g.topo[i]] = d.tail_weights[i];
  }
  p.extra = facts.options;
  p.extra["whole"] = whole.json;
  p.extra["whole"]["median_ms"] = c.whole_ms;  // the value the weights are built on
  p.extra["whole_first_ms"] = whole.ms;
  p.extra["whole_layer_ms"] = c.whole_layer_ms;
  p.extra["batch_whole"] = m.batch_json;
  p.extra["shape"] = plan.shape_source;
  p.extra["budget_s"] = o.budget_s;
  p.extra["boundaries"] = boundaries_json(g, plan, m, c, d);
  p.extra["batches"] = plan.batches;
  p.extra["batch_scale"] = c.batch_scale;
  p.extra["state_normalised"] = c.state_normalised;
  p.extra["split_overhead_ms"] = d.split_overhead_ms;
  p.extra["segments"] = m.segments;
  p.extra["wide_segments"] = m.wide;
  p.extra["retried_segments"] = m.retried;
  return p;
}

}  // namespace

Expected<Profile> measure_segment(const ExecutorFactory& make, const graph::Graph& g,
                                  const MeasureOptions& o) {
  auto t0 = Clock::now();
  if (g.num_nodes() == 0) return error(Code::kInvalidArgument, "model '{}' has no nodes", g.name);
  report(o, 0, "whole net");
  Whole whole;
  EngineFacts facts;
  {  // the executor goes before the batches make theirs
    EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex, make());
    EDGECUT_ASSIGN_OR_RETURN(whole, measure_whole(*ex, g, o, 0, 0.06));
    facts.options = options_json(o, *ex);
    facts.threads = ex->threads();
  }
  const SegmentPlan plan = plan_segments(g, whole, o);
  // Retries only while within the budget (plus the whole-net phase so far).
  MeasureOptions ob = o;
  ob.retry_until = std::min(o.retry_until,
                            Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.budget_s * 1e3)));
  Measured m;
  m.bounds.resize(plan.bounds.size());
  m.batch_whole.assign(plan.batches, 0.0);
  for (int k = 0; k < plan.batches; ++k) {
    EDGECUT_RETURN_IF_ERROR(measure_batch(make, g, plan, k, o, ob, &m));
  }
  const Corrected c = correct_drift(g, plan, m, whole, o.quantile);
  Profile p = segment_profile(g, o, facts, whole, plan, m, c);
  p.extra["seconds"] = seconds_since(t0);
  return p;
}

}  // namespace edgecut::profile::detail
