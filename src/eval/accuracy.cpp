// size: one measurement pipeline (profile, plan, run, compare) and its report;
// just over the limit since the per-engine options landed.
#include "eval/accuracy.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <set>
#include <tuple>

#include "engine/engine.h"
#include "graph/segment.h"
#include "partition/algorithms.h"
#include "profile/measure.h"
#include "profile/segment_timer.h"
#include "profile/stats.h"

namespace edgecut::eval {
namespace {

engine::EngineOptions engine_opts(const AccuracyOptions& o) {
  engine::EngineOptions e = o.engine_options;
  e.threads = o.threads;
  return e;
}

using Clock = std::chrono::steady_clock;

void report(const AccuracyOptions& o, const std::string& phase, double fraction, const std::string& note) {
  if (o.progress) o.progress(phase, std::clamp(fraction, 0.0, 1.0), note);
}

TestPlan make_test_plan(const graph::Graph& g, std::string source, std::vector<char> on_edge) {
  TestPlan t;
  t.source = std::move(source);
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) (on_edge[v] ? t.head : t.tail).push_back(v);
  t.crossing = static_cast<int>(graph::crossings(g, on_edge).up.size());
  t.on_edge = std::move(on_edge);
  return t;
}

// Up to `count` distinct random closed sets, neither empty nor everything: a
// random topological prefix, then up to 6 random frontier moves.
std::vector<std::vector<char>> random_closed_sets(const graph::Graph& g, int count, uint64_t seed) {
  const int n = g.num_nodes();
  std::mt19937_64 rng(seed);
  std::set<std::vector<char>> seen;
  std::vector<std::vector<char>> out;
  for (int attempt = 0; attempt < count * 50 && static_cast<int>(out.size()) < count; ++attempt) {
    if (n < 2) break;
    const int p = static_cast<int>(rng() % (n - 1));
    const int moves = static_cast<int>(rng() % 7);
    std::vector<char> s = graph::random_closed_set(g, rng, p + 1, moves, true);
    const int heads = static_cast<int>(std::count(s.begin(), s.end(), 1));
    if (heads == 0 || heads == n) continue;
    if (seen.insert(s).second) out.push_back(std::move(s));
  }
  return out;
}

// The ids of one plan's segments in a timer; -1: that side is empty.
struct PlanIds {
  int whole = -1, head = -1, tail = -1;
};

// Adds plan t as one group: the whole net, the head, the tail, back to back,
// so each round gives drift-free ratios head / whole and tail / whole. A
// side that is the whole net (edge-only, cloud-only) is the whole run.
Expected<PlanIds> add_plan(profile::SegmentTimer& timer, const graph::Graph& g, const TestPlan& t,
                           int group) {
  PlanIds ids;
  EDGECUT_ASSIGN_OR_RETURN(ids.whole, timer.add(graph::all_nodes(g), "whole", 1, group));
  timer.collect_layer_times(ids.whole);
  auto side = [&](const std::vector<graph::NodeId>& nodes, const char* label) -> Expected<int> {
    if (nodes.empty()) return -1;
    if (static_cast<int>(nodes.size()) == g.num_nodes()) return ids.whole;
    return timer.add(nodes, label, 1, group);
  };
  EDGECUT_ASSIGN_OR_RETURN(ids.head, side(t.head, "head"));
  EDGECUT_ASSIGN_OR_RETURN(ids.tail, side(t.tail, "tail"));
  return ids;
}

void record_plan(const profile::SegmentTimer& timer, const PlanIds& ids, double q, TestPlan* t) {
  t->whole_ms = timer.quantile_ms(ids.whole, q);
  t->whole_samples = timer.samples(ids.whole);
  t->whole_layers = timer.layer_runs(ids.whole);
  if (ids.head >= 0) {
    t->head_ms = timer.quantile_ms(ids.head, q);
    t->head_share = timer.paired_ratio(ids.head, {ids.whole}, q);
    t->head_spread = timer.summary(ids.head).spread();
    t->head_samples = timer.samples(ids.head);
  }
  if (ids.tail >= 0) {
    t->tail_ms = timer.quantile_ms(ids.tail, q);
    t->tail_share = timer.paired_ratio(ids.tail, {ids.whole}, q);
    t->tail_spread = timer.summary(ids.tail).spread();
    t->tail_samples = timer.samples(ids.tail);
  }
}

// Runs plans [first, last) on one fresh executor; appends each plan's whole
// run statistics to whole_runs.
Status measure_batch(const graph::Model& model, const AccuracyOptions& o, size_t first, size_t last,
                     std::vector<TestPlan>* plans, nlohmann::json* whole_runs) {
  const graph::Graph& g = model.graph;
  const double total = static_cast<double>(plans->size());
  EDGECUT_ASSIGN_OR_RETURN(auto ex, engine::make_executor(model, o.engine, engine_opts(o)));
  profile::SegmentTimer timer(ex.get(), &g, o.measure.seed + 7);
  std::vector<PlanIds> ids;
  for (size_t i = first; i < last; ++i) {
    report(o, "measure plans", i / total, "prepare " + (*plans)[i].source);
    EDGECUT_ASSIGN_OR_RETURN(PlanIds p, add_plan(timer, g, (*plans)[i], static_cast<int>(i)));
    ids.push_back(p);
  }
  profile::MeasureOptions pm = o.measure;
  pm.progress = [&](double f, const std::string&) {
    report(o, "measure plans", (first + f * (last - first)) / total,
           fmt::format("batch of {}", last - first));
  };
  EDGECUT_RETURN_IF_ERROR(timer.measure(pm));
  for (size_t i = first; i < last; ++i) {
    record_plan(timer, ids[i - first], o.measure.quantile, &(*plans)[i]);
    whole_runs->push_back(timer.to_json(ids[i - first].whole));
    whole_runs->back()["kept_ms"] = (*plans)[i].whole_ms;
  }
  return Status::ok();
}

// Runs every head and tail for real, in batches that bound memory (a
// prepared head + tail holds one copy of the model's weights, plus
// activations; the whole net is prepared once per batch).
Status measure_plans(const graph::Model& model, const AccuracyOptions& o, AccuracyResult* r) {
  std::vector<TestPlan>* plans = &r->plans;
  const int64_t per_plan = std::max<int64_t>(1, 13 * model.graph.weight_bytes() / 10);
  const size_t batch = std::max<int64_t>(1, static_cast<int64_t>(o.measure.memory_bytes) / per_plan);
  auto t0 = Clock::now();
  for (size_t first = 0; first < plans->size(); first += batch) {
    EDGECUT_RETURN_IF_ERROR(
        measure_batch(model, o, first, std::min(plans->size(), first + batch), plans, &r->whole_runs));
  }
  report(o, "measure plans", 1, "");
  r->measure_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> whole_now;
  for (const auto& wj : r->whole_runs) whole_now.push_back(wj.value("kept_ms", 0.0));
  r->whole_ms = profile::median(whole_now);
  return Status::ok();
}

double pct(double pred, double meas) { return meas > 0 ? 100.0 * (pred - meas) / meas : 0; }

double sum_over(const std::vector<double>& ms, const std::vector<graph::NodeId>& nodes) {
  double s = 0;
  for (graph::NodeId v : nodes) s += ms[v];
  return s;
}

std::vector<double> rounded(std::vector<double> ms) {
  for (double& x : ms) x = std::round(x * 100) / 100;
  return ms;
}

// What a profile recorded of the whole net when it was made: its kept time
// and the engine's per-layer times (empty when absent).
void profile_reference(const profile::Profile& p, int n, double* whole_ms, std::vector<double>* layers) {
  const auto& e = p.extra;
  if (e.contains("whole") && e["whole"].is_object()) *whole_ms = e["whole"].value("median_ms", 0.0);
  if (e.contains("whole_layer_ms") && e["whole_layer_ms"].is_array() &&
      e["whole_layer_ms"].size() == static_cast<size_t>(n)) {
    for (const auto& x : e["whole_layer_ms"]) layers->push_back(x.is_number() ? x.get<double>() : 0.0);
  }
}

// Head + tail time per round of plan t.
std::vector<double> head_plus_tail(const TestPlan& t) {
  std::vector<double> both;
  for (size_t r = 0; r < t.whole_samples.size(); ++r) {
    double x = 0;
    if (!t.head.empty() && r < t.head_samples.size()) x += t.head_samples[r];
    if (!t.tail.empty() && r < t.tail_samples.size()) x += t.tail_samples[r];
    both.push_back(x);
  }
  return both;
}

void add_side_errors(Errors* e, bool chosen, const TestPlan& t, double head, double tail) {
  auto& group = chosen ? e->chosen : e->random;
  if (!t.head.empty()) {
    e->all.push_back(head);
    group.push_back(head);
    e->heads.push_back(head);
  }
  if (!t.tail.empty()) {
    e->all.push_back(tail);
    group.push_back(tail);
    e->tails.push_back(tail);
  }
}

// One plan as every profile sees it: built once per plan.
struct PlanView {
  const TestPlan& t;
  bool chosen;                            // chosen by a partitioner (else random)
  const std::vector<graph::NodeId>& all;  // every node
  std::vector<double> both;               // head + tail, per round
};

// A profile's node times as the planner prices each side (profile::side_ms).
struct SideCosts {
  std::vector<double> edge, cloud;
};

// A profile's errors on one plan, added to `row`; returns its "predicted" entry.
nlohmann::json plan_errors(const SideCosts& ms, const PlanView& v, const std::vector<double>& layers,
                           ProfileAccuracy* row) {
  const TestPlan& t = v.t;
  const double pw = row->profile_whole_ms;
  const double rh = sum_over(ms.edge, t.head), rt = sum_over(ms.cloud, t.tail);
  const double drift = pw > 0 ? t.whole_ms / pw : 1.0;
  double eh = !t.head.empty() ? corrected_error(rh, t.head, t.head_samples, t, layers, pw) : 0;
  double et = !t.tail.empty() ? corrected_error(rt, t.tail, t.tail_samples, t, layers, pw) : 0;
  if (std::isnan(eh)) eh = pct(rh, t.head_ms);
  if (std::isnan(et)) et = pct(rt, t.tail_ms);
  add_side_errors(&row->corrected, v.chosen, t, eh, et);
  add_side_errors(&row->raw, v.chosen, t, pct(rh, t.head_ms), pct(rt, t.tail_ms));
  const double e = corrected_error(rh + rt, v.all, v.both, t, layers, pw);
  row->corrected.totals.push_back(std::isnan(e) ? pct(rh + rt, t.head_ms + t.tail_ms) : e);
  row->raw.totals.push_back(pct(rh + rt, t.head_ms + t.tail_ms));
  return {{"head_ms", rh}, {"tail_ms", rt}, {"drift", drift}, {"head_err_pct", eh}, {"tail_err_pct", et}};
}

nlohmann::json plan_json(const TestPlan& t) {
  return {{"source", t.source},
          {"head_nodes", t.head.size()},
          {"tail_nodes", t.tail.size()},
          {"crossing", t.crossing},
          {"head_ms", t.head_ms},
          {"tail_ms", t.tail_ms},
          {"head_spread", t.head_spread},
          {"tail_spread", t.tail_spread},
          {"whole_ms", t.whole_ms},
          {"head_share", t.head_share},
          {"tail_share", t.tail_share},
          {"whole_samples", rounded(t.whole_samples)},
          {"head_samples", rounded(t.head_samples)},
          {"tail_samples", rounded(t.tail_samples)}};
}

// Errors per profile. Besides the raw error, the drift-corrected one
// (corrected_error): it cancels a slower or faster machine, even one that
// changes speed between rounds and not uniformly, and leaves what the method
// gets wrong.
void compute_errors(const graph::Graph& g, AccuracyResult* r) {
  const size_t np = r->profiles.size();
  std::vector<std::vector<double>> layers(np);
  std::vector<SideCosts> costs(np);
  r->rows.assign(np, {});
  for (size_t k = 0; k < np; ++k) {
    const profile::Profile& p = r->profiles[k].p;
    costs[k] = {profile::side_ms(p, g, profile::Side::kEdge), profile::side_ms(p, g, profile::Side::kCloud)};
    profile_reference(p, g.num_nodes(), &r->rows[k].profile_whole_ms, &layers[k]);
    // The whole net as the planner prices an edge-only plan.
    r->rows[k].sum_ms = std::accumulate(costs[k].edge.begin(), costs[k].edge.end(), 0.0);
    r->rows[k].whole_err_pct = pct(r->rows[k].sum_ms, r->whole_ms);
  }
  const std::vector<graph::NodeId> all = graph::all_nodes(g);
  for (size_t i = 0; i < r->plans.size(); ++i) {
    const TestPlan& t = r->plans[i];
    const PlanView view{t, static_cast<int>(i) < r->chosen_count, all, head_plus_tail(t)};
    nlohmann::json jp = plan_json(t);
    nlohmann::json pred = nlohmann::json::object();
    for (size_t k = 0; k < np; ++k) {
      pred[r->profiles[k].label] = plan_errors(costs[k], view, layers[k], &r->rows[k]);
    }
    jp["predicted"] = pred;
    r->plan_details.push_back(jp);
  }
}

nlohmann::json err_json(const std::vector<double>& e) {
  const ErrorStats s = error_stats(e);
  return {{"n", s.n},
          {"mean_abs_pct", s.mean_abs_pct},
          {"p90_abs_pct", s.p90_abs_pct},
          {"mean_signed_pct", s.mean_signed_pct}};
}

}  // namespace

ErrorStats error_stats(const std::vector<double>& pct) {
  std::vector<double> a;
  for (double x : pct) a.push_back(std::fabs(x));
  ErrorStats s;
  s.n = pct.size();
  s.mean_abs_pct = profile::mean_abs(pct);
  s.p90_abs_pct = profile::quantile(a, 0.9);
  s.mean_signed_pct = pct.empty() ? 0 : std::accumulate(pct.begin(), pct.end(), 0.0) / pct.size();
  return s;
}

Expected<std::vector<NamedProfile>> profile_methods(const graph::Model& model,
                                                    const std::vector<std::string>& methods,
                                                    const AccuracyOptions& o) {
  std::vector<NamedProfile> out;
  for (const std::string& m : methods) {
    if (m == "estimate") {
      return error(Code::kInvalidArgument, "--method estimate needs GFLOP/s; pass an estimated --profile");
    }
    // A fresh executor per method: prepared segments (and their memory) go with it.
    auto make = [&]() { return engine::make_executor(model, o.engine, engine_opts(o)); };
    profile::MeasureOptions mo = o.measure;
    const std::string phase = fmt::format("profile ({})", m);
    mo.progress = [&](double f, const std::string& note) { report(o, phase, f, note); };
    auto t0 = Clock::now();
    auto p = profile::measure(m, make, model.graph, mo);
    report(o, phase, 1, "");
    if (!p) return p.status().with_context("profiling with " + m);
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    out.push_back({m, std::move(*p), secs});
  }
  return out;
}

Expected<std::vector<TestPlan>> make_test_plans(const graph::Graph& g,
                                                const std::vector<NamedProfile>& profiles,
                                                const AccuracyOptions& o, int* chosen_count) {
  std::vector<TestPlan> plans;
  std::set<std::vector<char>> seen;
  const NamedProfile* ref = &profiles.front();
  for (const auto& np : profiles) {
    if (np.p.method == "segment") ref = &np;
  }
  for (double factor : o.edge_factors) {
    std::vector<double> edge = profile::side_ms(ref->p, g, profile::Side::kEdge);
    for (double& ms : edge) ms *= factor;
    EDGECUT_ASSIGN_OR_RETURN(
        auto cm, partition::CostModel::create(g, edge, profile::side_ms(ref->p, g, profile::Side::kCloud)));
    for (int i = 0; i < o.points; ++i) {
      partition::Network net;
      net.uplink_bps = 1e5 * std::pow(1e4, o.points > 1 ? i / double(o.points - 1) : 0);
      net.rtt_ms = 20;
      for (const char* algo : {"qdmp", "neurosurgeon"}) {
        EDGECUT_ASSIGN_OR_RETURN(auto plan, partition::solve(algo, cm, net));
        // Edge-only and cloud-only plans count too (one side: the whole net);
        // with float32 tensors they are what classifiers mostly get.
        if (!seen.insert(plan.on_edge).second) continue;
        plans.push_back(make_test_plan(
            g, fmt::format("{}@{:.3g}Mbps,x{:g}", algo, net.uplink_bps / 1e6, factor), plan.on_edge));
      }
    }
  }
  *chosen_count = static_cast<int>(plans.size());
  for (auto& s : random_closed_sets(g, o.plans, o.measure.seed + 100)) {
    if (!seen.insert(s).second) continue;
    plans.push_back(make_test_plan(g, "random", std::move(s)));
  }
  return plans;
}

double corrected_error(double pred_ms, const std::vector<graph::NodeId>& nodes,
                       const std::vector<double>& side, const TestPlan& t,
                       const std::vector<double>& profile_layers, double profile_whole) {
  std::vector<double> ratios;
  for (size_t r = 0; r < side.size() && r < t.whole_samples.size(); ++r) {
    double f = 0;
    if (r < t.whole_layers.size() && !profile_layers.empty() &&
        t.whole_layers[r].size() == profile_layers.size()) {
      double now = 0, then = 0;
      for (graph::NodeId v : nodes) now += t.whole_layers[r][v], then += profile_layers[v];
      if (now > 0 && then > 0) f = now / then;
    }
    if (f == 0 && profile_whole > 0) f = t.whole_samples[r] / profile_whole;
    if (f > 0 && side[r] > 0) ratios.push_back(pred_ms * f / side[r]);
  }
  if (ratios.empty()) return std::nan("");
  return 100 * (profile::median(ratios) - 1);
}

namespace {

// Each profile with per-side weights once more as one set of weights for
// both sides (node_ms; what the segment method gave before per-side
// weights): a baseline in the same process, on the same plans.
void add_one_set_rows(std::vector<NamedProfile>* profiles) {
  const size_t n = profiles->size();
  for (size_t k = 0; k < n; ++k) {
    if ((*profiles)[k].p.head_ms.empty()) continue;
    NamedProfile one = (*profiles)[k];
    one.label += kOneSetSuffix;
    one.p.head_ms.clear();
    one.p.tail_ms.clear();
    profiles->push_back(std::move(one));
  }
}

}  // namespace

Expected<AccuracyResult> run_accuracy(const graph::Model& model, std::vector<NamedProfile> profiles,
                                      const std::vector<std::string>& methods, const AccuracyOptions& o) {
  const graph::Graph& g = model.graph;
  AccuracyResult r;
  r.engine_options = engine::describe_options(o.engine, engine_opts(o));
  r.profiles = std::move(profiles);
  EDGECUT_ASSIGN_OR_RETURN(auto measured, profile_methods(model, methods, o));
  for (auto& np : measured) r.profiles.push_back(std::move(np));
  if (r.profiles.empty()) return error(Code::kInvalidArgument, "give --profile FILE or --method LIST");
  EDGECUT_ASSIGN_OR_RETURN(r.plans, make_test_plans(g, r.profiles, o, &r.chosen_count));
  if (r.plans.empty()) return error(Code::kInvalidArgument, "no plan to measure");
  add_one_set_rows(&r.profiles);
  EDGECUT_RETURN_IF_ERROR(measure_plans(model, o, &r));
  compute_errors(g, &r);
  return r;
}

nlohmann::json row_json(const NamedProfile& np, const ProfileAccuracy& row) {
  return {{"method", np.p.method},
          {"label", np.label},
          {"threads", np.p.threads},
          {"profile_seconds", np.seconds},
          {"sum_ms", row.sum_ms},
          {"whole_err_pct", row.whole_err_pct},
          {"all", err_json(row.corrected.all)},
          {"random", err_json(row.corrected.random)},
          {"chosen", err_json(row.corrected.chosen)},
          {"heads", err_json(row.corrected.heads)},
          {"tails", err_json(row.corrected.tails)},
          {"head_plus_tail", err_json(row.corrected.totals)},
          {"profile_whole_ms", row.profile_whole_ms},
          {"raw_all", err_json(row.raw.all)},
          {"raw_chosen", err_json(row.raw.chosen)},
          {"raw_head_plus_tail", err_json(row.raw.totals)}};
}

}  // namespace edgecut::eval
