// edgecut bench accuracy MODEL [--profile FILE]... [--method isolated,layerwise,segment] [--plans K]
//                         [--threads N] [--cpu C] [--edge-factor F,...] [--json]
//
// How well do per-node profiles predict what a plan really costs? For K random
// valid plans (closed head sets near random topological positions, then moved
// by random frontier steps, so cuts inside inception / dense blocks with
// several crossing tensors occur) and for the plans that qdmp and neurosurgeon
// choose across a bandwidth sweep (edge = profile x each --edge-factor, cloud
// = profile; edge-only and cloud-only plans included), the head and the tail
// are run for real and compared with the sum of the profile's node times over
// each side. Each plan's whole net, head and tail run back to back in every
// round (round-robin over plans, --repeat rounds); the drift-corrected error
// rescales each round's prediction by the engine's per-layer times in that
// round's whole-net run (see corrected_error), so that a machine whose speed
// changes between rounds does not count as the method's error. Methods named
// with --method are profiled in this process first, so all are compared
// against the same measured runs. --cpu pins the process to one core.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

#include "cli/cmd_profile_options.h"
#include "cli/commands.h"
#include "cli/model_arg.h"
#include "cli/progress.h"
#include "engine/engine.h"
#include "partition/algorithms.h"
#include "profile/measure.h"
#include "profile/profile.h"
#include "profile/segment_timer.h"
#include "profile/stats.h"

namespace edgecut::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct AccuracyArgs {
  std::string model;
  std::vector<std::string> profiles;
  std::string methods;
  int plans = 20;
  int threads = 1;
  std::string engine = "opencv";
  std::vector<double> edge_factors = {1.5, 4, 16};
  int cpu = -1;
  int points = 24;
  MeasureArgs measure;
  bool json = false;
  bool quiet = false;
};

struct TestPlan {
  std::string source;  // "random", "qdmp@10Mbps", ...
  std::vector<char> on_edge;
  std::vector<graph::NodeId> head, tail;
  int crossing = 0;  // activations that cross edge -> cloud
  double head_ms = 0, tail_ms = 0, head_spread = 0, tail_spread = 0;
  double whole_ms = 0;  // the whole net, run back to back with head and tail
  // Median over rounds of head / whole and tail / whole (same round); in
  // --json only, for reading the runs (the error uses corrected_error).
  double head_share = 0, tail_share = 0;
  std::vector<double> whole_samples, head_samples, tail_samples;  // ms, per round
  std::vector<std::vector<double>> whole_layers;  // per round: the engine's per-node ms of the whole run
};

struct NamedProfile {
  std::string label;
  profile::Profile p;
  double seconds = 0;  // profiling time, when profiled here
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

int count_crossing(const graph::Graph& g, const std::vector<char>& on_edge) {
  int k = 0;
  for (graph::ValueId x = 0; x < g.num_values(); ++x) {
    const auto& v = g.values[x];
    if (v.is_weight) continue;
    bool from_edge = v.producer == graph::kNoNode || on_edge[v.producer];
    if (!from_edge) continue;
    for (graph::NodeId c : v.consumers) {
      if (!on_edge[c]) {
        ++k;
        break;
      }
    }
  }
  return k;
}

TestPlan make_test_plan(const graph::Graph& g, std::string source, std::vector<char> on_edge) {
  TestPlan t;
  t.source = std::move(source);
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) (on_edge[v] ? t.head : t.tail).push_back(v);
  t.crossing = count_crossing(g, on_edge);
  t.on_edge = std::move(on_edge);
  return t;
}

// Random predecessor-closed sets: a random topological prefix, then up to 6
// random moves on the frontier (drop a head node whose successors are all in
// the tail, or add a tail node whose predecessors are all in the head).
std::vector<std::vector<char>> random_closed_sets(const graph::Graph& g, int count, uint64_t seed) {
  const int n = g.num_nodes();
  std::vector<std::vector<graph::NodeId>> succ(n), pred(n);
  for (graph::NodeId v = 0; v < n; ++v) {
    succ[v] = g.successors(v);
    for (graph::NodeId w : succ[v]) pred[w].push_back(v);
  }
  std::mt19937_64 rng(seed);
  std::set<std::vector<char>> seen;
  std::vector<std::vector<char>> out;
  for (int attempt = 0; attempt < count * 50 && static_cast<int>(out.size()) < count; ++attempt) {
    if (n < 2) break;
    int p = static_cast<int>(rng() % (n - 1));
    std::vector<char> s(n, 0);
    for (int i = 0; i <= p; ++i) s[g.topo[i]] = 1;
    int moves = static_cast<int>(rng() % 7);
    for (int m = 0; m < moves; ++m) {
      std::vector<graph::NodeId> removable, addable;
      for (graph::NodeId v = 0; v < n; ++v) {
        if (s[v]) {
          bool ok = std::none_of(succ[v].begin(), succ[v].end(), [&](graph::NodeId w) { return s[w] != 0; });
          if (ok) removable.push_back(v);
        } else {
          bool ok = std::all_of(pred[v].begin(), pred[v].end(), [&](graph::NodeId u) { return s[u] != 0; });
          if (ok) addable.push_back(v);
        }
      }
      bool remove = (rng() & 1) != 0;
      auto& pool = remove ? removable : addable;
      if (pool.empty()) continue;
      graph::NodeId v = pool[rng() % pool.size()];
      s[v] = remove ? 0 : 1;
    }
    int heads = static_cast<int>(std::count(s.begin(), s.end(), 1));
    if (heads == 0 || heads == n) continue;
    if (seen.insert(s).second) out.push_back(std::move(s));
  }
  return out;
}

struct Errors {
  std::vector<double> all, random, chosen, heads, tails, totals;
};

std::vector<double> rounded(std::vector<double> ms) {
  for (double& x : ms) x = std::round(x * 100) / 100;
  return ms;
}

// Drift-corrected % error of `pred_ms` for the side `nodes`, whose run in
// round r took side[r] ms. This machine's speed changes by up to 40% within
// seconds, and not uniformly: memory-bound layers slow down more than
// compute-bound ones when neighbours load the host. So the prediction is
// scaled, per round, by how much the engine's own per-layer times of these
// nodes in the whole-net run of that round (run just before the side) differ
// from their per-layer times when the profile was made; the result is the
// median over rounds of predicted / measured. Without per-layer times on
// either side, the whole-net time of the round is the scale. NaN if neither.
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

double pct(double pred, double meas) { return meas > 0 ? 100.0 * (pred - meas) / meas : 0; }

double sum_over(const std::vector<double>& ms, const std::vector<graph::NodeId>& nodes) {
  double s = 0;
  for (graph::NodeId v : nodes) s += ms[v];
  return s;
}

nlohmann::json err_json(const std::vector<double>& e) {
  std::vector<double> a;
  for (double x : e) a.push_back(std::fabs(x));
  return {{"n", e.size()},
          {"mean_abs_pct", profile::mean_abs(e)},
          {"p90_abs_pct", profile::quantile(a, 0.9)},
          {"mean_signed_pct", e.empty() ? 0 : std::accumulate(e.begin(), e.end(), 0.0) / e.size()}};
}

std::string cell(const std::vector<double>& e) {
  if (e.empty()) return "-";
  std::vector<double> a;
  for (double x : e) a.push_back(std::fabs(x));
  return fmt::format("{:.1f} / {:.1f}", profile::mean_abs(e), profile::quantile(a, 0.9));
}

int run(const AccuracyArgs& a) {
  auto model = load_model_arg(a.model);
  if (!model) return report_error("bench accuracy", model.status());
  CpuLimit pin;
  pin.cpu = a.cpu;
  auto pinned = apply_cpu_limit(pin);
  if (!pinned) return report_error("bench accuracy", pinned.status());
  const graph::Graph& g = model->graph;
  std::vector<graph::NodeId> all(g.num_nodes());
  std::iota(all.begin(), all.end(), 0);
  const bool show = stderr_is_tty() && !a.quiet && !a.json;
  std::vector<std::string> methods = split_list(a.methods);
  if (methods.empty() && a.profiles.empty()) methods = profile::method_names();

  // 1. Profiles: files, then methods measured here.
  std::vector<NamedProfile> profiles;
  for (const std::string& path : a.profiles) {
    auto p = profile::load_for(path, g);
    if (!p) return report_error("bench accuracy", p.status());
    if (p->threads != a.threads) {
      fmt::print(stderr, "warning: {} was measured with {} threads, plans run with {}\n", path, p->threads,
                 a.threads);
    }
    profiles.push_back({fmt::format("{} ({})", p->method, path), std::move(*p), 0});
  }
  profile::MeasureOptions mo = measure_options(a.measure);
  for (const std::string& m : methods) {
    if (m == "estimate") {
      return report_error(
          "bench accuracy",
          error(Code::kInvalidArgument, "--method estimate needs GFLOP/s; pass an estimated --profile"));
    }
    // A fresh executor per method: prepared segments (and their memory) go with it.
    auto make = [&]() { return engine::make_executor(*model, a.engine, a.threads); };
    Progress progress(fmt::format("profile ({})", m), 1000, show);
    mo.progress = [&](double f, const std::string& note) { progress.step(static_cast<int>(f * 1000), note); };
    auto t0 = Clock::now();
    auto p = profile::measure(m, make, g, mo);
    progress.finish();
    if (!p) return report_error("bench accuracy", p.status().with_context("profiling with " + m));
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    profiles.push_back({m, std::move(*p), secs});
  }
  if (profiles.empty()) {
    return report_error("bench accuracy",
                        error(Code::kInvalidArgument, "give --profile FILE or --method LIST"));
  }

  // 2. Plans: the partitioners' choices over a bandwidth sweep, then random ones.
  std::vector<TestPlan> plans;
  std::set<std::vector<char>> seen;
  {
    const NamedProfile* ref = &profiles.front();
    for (const auto& np : profiles) {
      if (np.p.method == "segment") ref = &np;
    }
    for (double factor : a.edge_factors) {
      std::vector<double> edge = ref->p.node_ms;
      for (double& ms : edge) ms *= factor;
      auto cm = partition::CostModel::create(g, edge, ref->p.node_ms);
      if (!cm) return report_error("bench accuracy", cm.status());
      for (int i = 0; i < a.points; ++i) {
        partition::Network net;
        net.uplink_bps = 1e5 * std::pow(1e4, a.points > 1 ? i / double(a.points - 1) : 0);
        net.rtt_ms = 20;
        for (const char* algo : {"qdmp", "neurosurgeon"}) {
          auto plan = partition::solve(algo, *cm, net);
          if (!plan) return report_error("bench accuracy", plan.status());
          // Edge-only and cloud-only plans count too (one side: the whole net);
          // with float32 tensors they are what classifiers mostly get.
          if (!seen.insert(plan->on_edge).second) continue;
          plans.push_back(make_test_plan(
              g, fmt::format("{}@{:.3g}Mbps,x{:g}", algo, net.uplink_bps / 1e6, factor), plan->on_edge));
        }
      }
    }
  }
  const int chosen_count = static_cast<int>(plans.size());
  for (auto& s : random_closed_sets(g, a.plans, a.measure.seed + 100)) {
    if (!seen.insert(s).second) continue;
    plans.push_back(make_test_plan(g, "random", std::move(s)));
  }
  if (plans.empty())
    return report_error("bench accuracy", error(Code::kInvalidArgument, "no plan to measure"));

  // 3. Run every head and tail for real, in batches that bound memory (a
  // prepared head + tail holds one copy of the model's weights, plus
  // activations; the whole net is prepared once per batch).
  const int64_t per_plan = std::max<int64_t>(1, 13 * g.weight_bytes() / 10);
  const int batch = std::max<int64_t>(1, static_cast<int64_t>(a.measure.memory_gb * 1e9) / per_plan);
  Progress progress("measure plans", static_cast<int>(plans.size()), show);
  nlohmann::json whole_runs = nlohmann::json::array();
  auto t_measure = Clock::now();
  for (size_t first = 0; first < plans.size(); first += batch) {
    const size_t last = std::min(plans.size(), first + batch);
    auto ex = engine::make_executor(*model, a.engine, a.threads);
    if (!ex) return report_error("bench accuracy", ex.status());
    profile::SegmentTimer timer(&**ex, &g, a.measure.seed + 7);
    // One group per plan: the whole net, the head, the tail, back to back,
    // so each round gives drift-free ratios head / whole and tail / whole.
    std::vector<std::tuple<int, int, int>> ids;  // (whole, head, tail)
    for (size_t i = first; i < last; ++i) {
      progress.step(static_cast<int>(i), "prepare " + plans[i].source);
      const int group = static_cast<int>(i);
      auto w = timer.add(all, "whole", 1, group);
      if (!w) return report_error("bench accuracy", w.status());
      timer.collect_layer_times(*w);
      // A side that is the whole net (edge-only, cloud-only) is the whole run.
      auto side = [&](const std::vector<graph::NodeId>& nodes, const char* label) -> Expected<int> {
        if (nodes.empty()) return -1;
        if (static_cast<int>(nodes.size()) == g.num_nodes()) return *w;
        return timer.add(nodes, label, 1, group);
      };
      auto h = side(plans[i].head, "head");
      if (!h) return report_error("bench accuracy", h.status());
      auto t = side(plans[i].tail, "tail");
      if (!t) return report_error("bench accuracy", t.status());
      ids.emplace_back(*w, *h, *t);
    }
    profile::MeasureOptions pm = measure_options(a.measure);
    pm.progress = [&](double f, const std::string&) {
      progress.step(static_cast<int>(first + f * (last - first)), fmt::format("batch of {}", last - first));
    };
    Status st = timer.measure(pm);
    if (!st.is_ok()) return report_error("bench accuracy", st);
    const double q = a.measure.quantile;
    for (size_t i = first; i < last; ++i) {
      auto [w, h, t] = ids[i - first];
      plans[i].whole_ms = timer.quantile_ms(w, q);
      plans[i].whole_samples = timer.samples(w);
      plans[i].whole_layers = timer.layer_runs(w);
      if (h >= 0) {
        plans[i].head_ms = timer.quantile_ms(h, q);
        plans[i].head_share = timer.paired_ratio(h, {w}, q);
        plans[i].head_spread = timer.summary(h).spread();
        plans[i].head_samples = timer.samples(h);
      }
      if (t >= 0) {
        plans[i].tail_ms = timer.quantile_ms(t, q);
        plans[i].tail_share = timer.paired_ratio(t, {w}, q);
        plans[i].tail_spread = timer.summary(t).spread();
        plans[i].tail_samples = timer.samples(t);
      }
      whole_runs.push_back(timer.to_json(w));
      whole_runs.back()["kept_ms"] = plans[i].whole_ms;
    }
  }
  progress.step(static_cast<int>(plans.size()));
  progress.finish();
  const double measure_s = std::chrono::duration<double>(Clock::now() - t_measure).count();
  std::vector<double> whole_now;
  for (const auto& wj : whole_runs) whole_now.push_back(wj.value("kept_ms", 0.0));
  const double whole_ms = profile::median(whole_now);

  // 4. Errors per profile. The machine's speed drifts (other jobs on shared
  // cores), so besides the raw error we report the drift-corrected one
  // (corrected_error): it cancels a slower or faster machine, even one that
  // changes speed between rounds and not uniformly, and leaves what the
  // method gets wrong.
  std::vector<double> profile_whole(profiles.size(), 0);
  std::vector<std::vector<double>> profile_layers(profiles.size());
  for (size_t k = 0; k < profiles.size(); ++k) {
    const auto& e = profiles[k].p.extra;
    if (e.contains("whole") && e["whole"].is_object()) profile_whole[k] = e["whole"].value("median_ms", 0.0);
    if (e.contains("whole_layer_ms") && e["whole_layer_ms"].is_array() &&
        e["whole_layer_ms"].size() == static_cast<size_t>(g.num_nodes())) {
      for (const auto& x : e["whole_layer_ms"])
        profile_layers[k].push_back(x.is_number() ? x.get<double>() : 0.0);
    }
  }
  std::vector<Errors> errs(profiles.size()), raw(profiles.size());
  nlohmann::json jplans = nlohmann::json::array();
  for (size_t i = 0; i < plans.size(); ++i) {
    const TestPlan& t = plans[i];
    const bool has_head = !t.head.empty(), has_tail = !t.tail.empty();
    std::vector<double> both;  // head + tail, per round
    for (size_t r = 0; r < t.whole_samples.size(); ++r) {
      double x = 0;
      if (has_head && r < t.head_samples.size()) x += t.head_samples[r];
      if (has_tail && r < t.tail_samples.size()) x += t.tail_samples[r];
      both.push_back(x);
    }
    nlohmann::json jp = {{"source", t.source},
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
    nlohmann::json pred = nlohmann::json::object();
    for (size_t k = 0; k < profiles.size(); ++k) {
      const auto& ms = profiles[k].p.node_ms;
      const double rh = sum_over(ms, t.head), rt = sum_over(ms, t.tail);
      const double drift = profile_whole[k] > 0 ? t.whole_ms / profile_whole[k] : 1.0;
      double eh =
          has_head ? corrected_error(rh, t.head, t.head_samples, t, profile_layers[k], profile_whole[k]) : 0;
      double et =
          has_tail ? corrected_error(rt, t.tail, t.tail_samples, t, profile_layers[k], profile_whole[k]) : 0;
      if (std::isnan(eh)) eh = pct(rh, t.head_ms);
      if (std::isnan(et)) et = pct(rt, t.tail_ms);
      for (auto [e, h, tl] :
           {std::tuple{&errs[k], eh, et}, std::tuple{&raw[k], pct(rh, t.head_ms), pct(rt, t.tail_ms)}}) {
        auto& group = static_cast<int>(i) < chosen_count ? e->chosen : e->random;
        if (has_head) {
          e->all.push_back(h);
          group.push_back(h);
          e->heads.push_back(h);
        }
        if (has_tail) {
          e->all.push_back(tl);
          group.push_back(tl);
          e->tails.push_back(tl);
        }
      }
      const double e = corrected_error(rh + rt, all, both, t, profile_layers[k], profile_whole[k]);
      errs[k].totals.push_back(std::isnan(e) ? pct(rh + rt, t.head_ms + t.tail_ms) : e);
      raw[k].totals.push_back(pct(rh + rt, t.head_ms + t.tail_ms));
      pred[profiles[k].label] = {
          {"head_ms", rh}, {"tail_ms", rt}, {"drift", drift}, {"head_err_pct", eh}, {"tail_err_pct", et}};
    }
    jp["predicted"] = pred;
    jplans.push_back(jp);
  }

  if (a.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (size_t k = 0; k < profiles.size(); ++k) {
      const auto& p = profiles[k].p;
      double total = std::accumulate(p.node_ms.begin(), p.node_ms.end(), 0.0);
      rows.push_back({{"method", p.method},
                      {"label", profiles[k].label},
                      {"threads", p.threads},
                      {"profile_seconds", profiles[k].seconds},
                      {"sum_ms", total},
                      {"whole_err_pct", pct(total, whole_ms)},
                      {"all", err_json(errs[k].all)},
                      {"random", err_json(errs[k].random)},
                      {"chosen", err_json(errs[k].chosen)},
                      {"heads", err_json(errs[k].heads)},
                      {"tails", err_json(errs[k].tails)},
                      {"head_plus_tail", err_json(errs[k].totals)},
                      {"profile_whole_ms", profile_whole[k]},
                      {"raw_all", err_json(raw[k].all)},
                      {"raw_chosen", err_json(raw[k].chosen)},
                      {"raw_head_plus_tail", err_json(raw[k].totals)}});
    }
    std::cout << nlohmann::json{{"bench", "accuracy"},
                                {"model", g.name},
                                {"nodes", g.num_nodes()},
                                {"threads", a.threads},
                                {"engine", a.engine},
                                {"repeat", a.measure.repeat},
                                {"cpu", pinned->to_json()},
                                {"plans", plans.size()},
                                {"chosen_plans", chosen_count},
                                {"whole_ms", whole_ms},
                                {"whole_runs", whole_runs},
                                {"measure_seconds", measure_s},
                                {"rows", rows},
                                {"plan_details", jplans}}
                     .dump()
              << "\n";
    return 0;
  }
  fmt::print(
      "{}: {} nodes, {} threads, {} plans ({} chosen by qdmp/neurosurgeon over {} bandwidths x edge "
      "factors {}, {} random); whole net {:.2f} ms now; {}\n",
      g.name, g.num_nodes(), a.threads, plans.size(), chosen_count, a.points, fmt::join(a.edge_factors, ","),
      plans.size() - chosen_count, whole_ms, pinned->describe());
  fmt::print(
      "absolute % error of predicted head and tail latency, mean / p90 over each side of each plan;\n"
      "drift-corrected: each round's prediction scaled by the engine's per-layer times of that side in the "
      "whole-net run just before it, against those at profiling; raw ms beside it\n");
  fmt::print("{:<28} {:>13} {:>13} {:>13} {:>13} {:>13} {:>13} {:>9} {:>9}\n", "profile", "all sides",
             "chosen plans", "random plans", "heads", "tails", "raw all", "sum/whole", "prof. s");
  for (size_t k = 0; k < profiles.size(); ++k) {
    const auto& p = profiles[k].p;
    double total = std::accumulate(p.node_ms.begin(), p.node_ms.end(), 0.0);
    fmt::print("{:<28} {:>13} {:>13} {:>13} {:>13} {:>13} {:>13} {:>+8.1f}% {:>9}\n",
               profiles[k].label.substr(0, 28), cell(errs[k].all), cell(errs[k].chosen), cell(errs[k].random),
               cell(errs[k].heads), cell(errs[k].tails), cell(raw[k].all), pct(total, whole_ms),
               profiles[k].seconds > 0 ? fmt::format("{:.1f}", profiles[k].seconds) : "-");
  }
  return 0;
}

}  // namespace

void register_bench_accuracy(CLI::App* bench) {
  auto a = std::make_shared<AccuracyArgs>();
  CLI::App* sub = bench->add_subcommand(
      "accuracy",
      "Predicted vs measured head / tail latency of random and chosen plans, per profiling method");
  sub->add_option("model", a->model, kModelHelp)->required();
  sub->add_option("--profile", a->profiles, "Profile file(s) to evaluate (edgecut profile)");
  sub->add_option("--method", a->methods,
                  "Comma list of methods to profile with here (default: isolated,layerwise,segment when no "
                  "--profile is given)");
  sub->add_option("--plans", a->plans, "Random valid plans")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  sub->add_option("--threads", a->threads, "Engine threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  sub->add_option("--engine", a->engine, "Inference engine")->capture_default_str();
  sub->add_option("--edge-factor", a->edge_factors,
                  "Edge = profile x this, for the partitioners' sweep (several: one sweep each)")
      ->capture_default_str()
      ->delimiter(',');
  sub->add_option("--cpu", a->cpu, "Pin this process to this core (steadier timings on a shared machine)");
  sub->add_option("--points", a->points, "Bandwidths in the sweep (0.1 Mbps .. 1 Gbps, rtt 20 ms)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  add_measure_options(sub, &a->measure);
  sub->add_flag("--json", a->json, "Machine-readable output");
  sub->add_flag("-q,--quiet", a->quiet, "No progress bar");
  sub->callback([a] { finish(run(*a)); });
}

}  // namespace edgecut::cli
