#include "profile/measure.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <tuple>
#include <unordered_map>

#include "exec/split_run.h"
#include "graph/structure.h"

namespace edgecut::profile {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void report(const MeasureOptions& o, double fraction, const std::string& note) {
  if (o.progress) o.progress(std::clamp(fraction, 0.0, 1.0), note);
}

Profile empty_profile(const std::string& method, const Executor& ex, const graph::Graph& g) {
  Profile p;
  p.device = "unknown";
  p.method = method;
  p.threads = ex.threads();
  p.model = g.name;
  p.model_hash = g.structure_hash();
  p.node_ms.assign(g.nodes.size(), 0.0);
  return p;
}

nlohmann::json options_json(const MeasureOptions& o, const Executor& ex) {
  return {{"engine", ex.name()},
          {"repeat", o.repeat},
          {"warmup", o.warmup},
          {"max_spread", o.max_spread},
          {"max_retries", o.max_retries},
          {"estimator", "median"},
          {"schedule", "round-robin, paired"},
          {"quantile", o.quantile}};
}

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

// ---- whole net, with per-layer times ----
struct Whole {
  Summary summary;
  double ms = 0;                 // the kept statistic
  std::vector<double> layer_ms;  // per node id; empty if unsupported
  nlohmann::json json;
};

Expected<Whole> measure_whole(Executor& ex, const graph::Graph& g, const MeasureOptions& o, double from,
                              double to) {
  SegmentTimer timer(&ex, &g, o.seed);
  EDGECUT_ASSIGN_OR_RETURN(int w, timer.add(graph::all_nodes(g), "whole"));
  timer.collect_layer_times(w);
  MeasureOptions mo = o;
  mo.warmup = o.warmup + 1;
  EDGECUT_RETURN_IF_ERROR(timer.measure(mo, from, to));
  Whole out;
  out.summary = timer.summary(w);
  out.ms = timer.estimate(w, o.quantile);
  out.layer_ms = timer.layer_median(w);
  out.json = timer.to_json(w);
  return out;
}

// ---- methods ----

Expected<Profile> measure_layerwise(const ExecutorFactory& make, const graph::Graph& g,
                                    const MeasureOptions& o) {
  auto t0 = Clock::now();
  EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex, make());
  report(o, 0, "whole net");
  EDGECUT_ASSIGN_OR_RETURN(Whole whole, measure_whole(*ex, g, o, 0, 1));
  if (whole.layer_ms.empty()) {
    return error(Code::kUnsupported,
                 "engine '{}' reports no per-layer times; use --method segment or isolated", ex->name());
  }
  Profile p = empty_profile("layerwise", *ex, g);
  p.node_ms = whole.layer_ms;
  double sum = std::accumulate(p.node_ms.begin(), p.node_ms.end(), 0.0);
  int zeros = static_cast<int>(std::count(p.node_ms.begin(), p.node_ms.end(), 0.0));
  p.extra = options_json(o, *ex);
  p.extra["whole"] = whole.json;
  p.extra["whole_layer_ms"] = whole.layer_ms;
  p.extra["sum_over_whole"] = whole.ms > 0 ? sum / whole.ms : 0;
  p.extra["zero_nodes"] = zeros;
  p.extra["seconds"] = seconds_since(t0);
  return p;
}

Expected<Profile> measure_isolated(const ExecutorFactory& make, const graph::Graph& g,
                                   const MeasureOptions& o) {
  auto t0 = Clock::now();
  EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex, make());
  report(o, 0, "whole net");
  EDGECUT_ASSIGN_OR_RETURN(Whole whole, measure_whole(*ex, g, o, 0, 0.1));
  SegmentTimer timer(ex.get(), &g, o.seed + 1);
  std::vector<int> index(g.nodes.size(), -1);
  nlohmann::json failed = nlohmann::json::array();
  const double per_node = whole.ms / std::max(1, g.num_nodes());
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) {
    report(o, 0.1 + 0.1 * v / std::max(1, g.num_nodes()), "prepare " + g.nodes[v].name);
    double guess = whole.layer_ms.empty() ? per_node : whole.layer_ms[v] + 0.05;
    auto id = timer.add({v}, g.nodes[v].name, guess);
    if (!id) {
      failed.push_back({{"node", g.nodes[v].name}, {"reason", id.status().message()}});
      continue;
    }
    index[v] = *id;
  }
  if (timer.size() == 0) return error(Code::kUnsupported, "no node of '{}' runs on its own", g.name);
  EDGECUT_RETURN_IF_ERROR(timer.measure(o, 0.2, 1));
  Profile p = empty_profile("isolated", *ex, g);
  nlohmann::json spreads = nlohmann::json::array();
  int wide = 0;
  for (graph::NodeId v = 0; v < g.num_nodes(); ++v) {
    if (index[v] < 0) continue;
    Summary s = timer.summary(index[v]);
    p.node_ms[v] = timer.estimate(index[v], o.quantile);
    spreads.push_back(std::round(s.spread() * 1e4) / 1e4);
    wide += s.spread() > o.max_spread;
  }
  double sum = std::accumulate(p.node_ms.begin(), p.node_ms.end(), 0.0);
  p.extra = options_json(o, *ex);
  p.extra["whole"] = whole.json;
  p.extra["whole_layer_ms"] = whole.layer_ms;
  p.extra["sum_over_whole"] = whole.ms > 0 ? sum / whole.ms : 0;
  p.extra["node_spread"] = spreads;
  p.extra["wide_nodes"] = wide;
  p.extra["failed_nodes"] = failed;
  p.extra["seconds"] = seconds_since(t0);
  return p;
}

int64_t weight_bytes(const graph::Graph& g) {
  int64_t b = 0;
  for (const auto& v : g.values) {
    if (v.is_weight) b += v.bytes;
  }
  return b;
}

Expected<Profile> measure_segment(const ExecutorFactory& make, const graph::Graph& g,
                                  const MeasureOptions& o) {
  auto t0 = Clock::now();
  const int n = g.num_nodes();
  if (n == 0) return error(Code::kInvalidArgument, "model '{}' has no nodes", g.name);
  report(o, 0, "whole net");
  Whole whole;
  std::string engine_name;
  nlohmann::json options;
  int threads = 1;
  {
    EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex, make());
    EDGECUT_ASSIGN_OR_RETURN(whole, measure_whole(*ex, g, o, 0, 0.06));
    options = options_json(o, *ex);
    threads = ex->threads();
    engine_name = ex->name();
  }
  const double whole0 = std::max(whole.ms, 1e-3);
  std::vector<double> shape(n);
  std::string shape_source = "layerwise";
  if (!whole.layer_ms.empty() && std::accumulate(whole.layer_ms.begin(), whole.layer_ms.end(), 0.0) > 0) {
    for (int i = 0; i < n; ++i) shape[i] = whole.layer_ms[g.topo[i]];
  } else {
    shape = flops_shape(g, whole0);
    shape_source = "flops";
  }
  graph::Structure st = graph::analyze(g);
  std::vector<char> is_cut(n, 0);
  for (graph::NodeId v : st.cut_vertices()) is_cut[st.pos[v] - 1] = 1;

  // B from the budget: a boundary costs a prefix and a suffix run (~ one
  // whole run) per round, plus warm-up and the engine's check run at prepare.
  const double per_boundary_s = whole0 * 1.1 * (o.repeat + o.warmup + 1) / 1e3;
  int count = static_cast<int>(o.budget_s / std::max(per_boundary_s, 1e-6));
  count = std::clamp(count, std::min(o.min_boundaries, o.max_boundaries), o.max_boundaries);
  count = std::clamp(count, 0, n - 1);
  std::vector<int> bounds = n >= 2 ? choose_boundaries(shape, is_cut, count) : std::vector<int>{};
  const int nb = static_cast<int>(bounds.size());
  // Retries only while within the budget (plus the whole-net phase so far).
  MeasureOptions ob = o;
  ob.retry_until = std::min(o.retry_until,
                            Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.budget_s * 1e3)));

  // Batches bounded by memory; boundaries dealt round the batches so that a
  // slow phase of the machine does not hit one stretch of the model.
  const double per_pair = 1.3 * static_cast<double>(std::max<int64_t>(weight_bytes(g), 1));
  const int per_batch = std::max(1, static_cast<int>(o.memory_bytes / per_pair));
  const int batches = std::max(1, (nb + per_batch - 1) / per_batch);
  std::vector<double> cum(n);
  {
    double acc = 0;
    for (int i = 0; i < n; ++i) cum[i] = (acc += shape[i]);
  }
  const double shape_total = std::max(cum.back(), 1e-12);
  std::vector<double> prefix_ms(nb), suffix_ms(nb), prefix_spread(nb), suffix_spread(nb),
      batch_whole(batches);
  std::vector<int> batch_of(nb);
  std::vector<Runs> pre(nb), suf(nb), wholes;  // every timed run, with the engine's layer times
  nlohmann::json batch_json = nlohmann::json::array();
  int wide = 0, retried = 0, segments = 0;
  for (int k = 0; k < batches; ++k) {
    const double from = 0.06 + 0.94 * k / batches, to = 0.06 + 0.94 * (k + 1) / batches;
    EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<Executor> ex, make());
    SegmentTimer timer(ex.get(), &g, o.seed + 2 + k);
    EDGECUT_ASSIGN_OR_RETURN(int w, timer.add(graph::all_nodes(g), "whole", whole0));
    std::vector<std::tuple<int, int, int>> ids;  // (boundary, prefix, suffix)
    for (int b = k; b < nb; b += batches) {
      const int pos = bounds[b];
      report(o, from + (to - from) * 0.2 * ids.size() / std::max(1, per_batch),
             fmt::format("prepare cut {}/{}", b + 1, nb));
      std::vector<graph::NodeId> head(g.topo.begin(), g.topo.begin() + pos + 1);
      std::vector<graph::NodeId> tail(g.topo.begin() + pos + 1, g.topo.end());
      std::sort(head.begin(), head.end());
      std::sort(tail.begin(), tail.end());
      const double frac = cum[pos] / shape_total;
      EDGECUT_ASSIGN_OR_RETURN(int ph,
                               timer.add(head, "prefix@" + g.nodes[g.topo[pos]].name, whole0 * frac, b));
      EDGECUT_ASSIGN_OR_RETURN(
          int pt, timer.add(tail, "suffix@" + g.nodes[g.topo[pos]].name, whole0 * (1 - frac), b));
      ids.emplace_back(b, ph, pt);
      pre[b].nodes = std::move(head);
      suf[b].nodes = std::move(tail);
    }
    for (int i = 0; i < timer.size(); ++i) timer.collect_layer_times(i);
    EDGECUT_RETURN_IF_ERROR(timer.measure(ob, from + (to - from) * 0.2, to));
    wholes.push_back({graph::all_nodes(g), timer.samples(w), timer.layer_runs(w)});
    batch_whole[k] = timer.estimate(w, o.quantile);
    for (auto [b, ph, pt] : ids) {
      batch_of[b] = k;
      // The prefix's share of each back-to-back prefix + suffix pair is free
      // of the machine's drift; only the pair's total is not, and the batch
      // scaling below evens that out.
      const auto& sp = timer.samples(ph);
      const auto& ss = timer.samples(pt);
      std::vector<double> sums;
      for (size_t r = 0; r < std::min(sp.size(), ss.size()); ++r) sums.push_back(sp[r] + ss[r]);
      const double pair = quantile(sums, o.quantile);
      const double share = timer.paired_ratio(ph, {ph, pt}, o.quantile);
      prefix_ms[b] = share * pair;
      suffix_ms[b] = (1 - share) * pair;
      prefix_spread[b] = timer.summary(ph).spread();
      suffix_spread[b] = timer.summary(pt).spread();
      pre[b].ms = sp;
      pre[b].layers = timer.layer_runs(ph);
      suf[b].ms = ss;
      suf[b].layers = timer.layer_runs(pt);
    }
    for (int i = 0; i < timer.size(); ++i) {
      wide += timer.summary(i).spread() > o.max_spread;
      retried += timer.retries(i) > 0;
    }
    segments += timer.size();
    batch_json.push_back(timer.to_json(w));
  }
  // Normalise batches to each other (the machine drifts between them): scale
  // each so that the median of its prefix + suffix sums matches the median
  // over all batches. Pair sums use 2 runs per boundary, so this is far less
  // noisy than one whole-net run per batch.
  std::vector<double> pair_sums;
  for (int b = 0; b < nb; ++b) pair_sums.push_back(prefix_ms[b] + suffix_ms[b]);
  const double pair_ref = median(pair_sums);
  std::vector<double> scale(batches, 1.0);
  nlohmann::json jscale = nlohmann::json::array();
  for (int k = 0; k < batches; ++k) {
    std::vector<double> mine;
    for (int b = 0; b < nb; ++b) {
      if (batch_of[b] == k) mine.push_back(pair_sums[b]);
    }
    double m = median(mine);
    if (batches > 1 && m > 0 && pair_ref > 0) scale[k] = pair_ref / m;
    batch_whole[k] *= scale[k];
    jscale.push_back(scale[k]);
  }
  double whole_ms = median(batch_whole);
  // The engine's per-layer times of the whole net at profiling time, in the
  // state the weights are built on: bench accuracy compares them with the
  // per-layer times at checking time to tell a drifted machine from a wrong
  // prediction.
  std::vector<double> whole_layer_ms = whole.layer_ms;
  std::vector<const Runs*> all_runs;
  for (auto* set : {&pre, &suf, &wholes}) {
    for (const Runs& r : *set) all_runs.push_back(&r);
  }
  StateNormaliser state(n, all_runs);
  if (state.ok()) {
    // Every run mapped to one reference state of the machine (see
    // StateNormaliser): this supersedes the batch scaling above.
    for (int b = 0; b < nb; ++b) {
      prefix_ms[b] = state.estimate(pre[b], o.quantile);
      suffix_ms[b] = state.estimate(suf[b], o.quantile);
    }
    std::vector<double> ws;
    for (const Runs& r : wholes) ws.push_back(state.estimate(r, o.quantile));
    whole_ms = median(ws);
    whole_layer_ms = state.reference();
    std::fill(scale.begin(), scale.end(), 1.0);
    jscale = nlohmann::json::array();
  }
  std::vector<Boundary> measured;
  for (int b = 0; b < nb; ++b) {
    measured.push_back({bounds[b], prefix_ms[b] * scale[batch_of[b]], suffix_ms[b] * scale[batch_of[b]]});
  }
  Derivation d = derive_segment_weights(whole_ms, measured, shape);
  Profile p;
  p.method = "segment";
  p.threads = threads;
  p.model = g.name;
  p.model_hash = g.structure_hash();
  p.node_ms.assign(n, 0.0);
  for (int i = 0; i < n; ++i) p.node_ms[g.topo[i]] = d.weights[i];

  nlohmann::json jb = nlohmann::json::array();
  for (int b = 0; b < nb; ++b) {
    jb.push_back({{"pos", bounds[b]},
                  {"node", g.nodes[g.topo[bounds[b]]].name},
                  {"cut_vertex", is_cut[bounds[b]] != 0},
                  {"batch", batch_of[b]},
                  {"prefix_ms", measured[b].prefix_ms},
                  {"prefix_spread", prefix_spread[b]},
                  {"suffix_ms", measured[b].suffix_ms},
                  {"suffix_spread", suffix_spread[b]},
                  {"split_cost_ms", measured[b].prefix_ms + measured[b].suffix_ms - whole_ms},
                  {"fit_prefix_ms", d.knots_ms[b]}});
  }
  p.extra = options;
  p.extra["whole"] = whole.json;
  p.extra["whole"]["median_ms"] = whole_ms;  // the value the weights are built on
  p.extra["whole_first_ms"] = whole.ms;
  p.extra["whole_layer_ms"] = whole_layer_ms;
  p.extra["batch_whole"] = batch_json;
  p.extra["shape"] = shape_source;
  p.extra["budget_s"] = o.budget_s;
  p.extra["boundaries"] = jb;
  p.extra["batches"] = batches;
  p.extra["batch_scale"] = jscale;
  p.extra["state_normalised"] = state.ok();
  p.extra["split_overhead_ms"] = d.split_overhead_ms;
  p.extra["segments"] = segments;
  p.extra["wide_segments"] = wide;
  p.extra["retried_segments"] = retried;
  p.extra["seconds"] = seconds_since(t0);
  return p;
}

}  // namespace

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"isolated", "layerwise", "segment"};
  return names;
}

Expected<Profile> measure(const std::string& method, const ExecutorFactory& ex, const graph::Graph& g,
                          const MeasureOptions& options) {
  if (options.repeat < 1 || options.repeat > 10000) {
    return error(Code::kInvalidArgument, "--repeat must be in [1, 10000], got {}", options.repeat);
  }
  if (options.warmup < 0 || options.max_retries < 0 || !(options.max_spread > 0)) {
    return error(Code::kInvalidArgument, "warm-up, retries must be >= 0 and max spread > 0");
  }
  if (!(options.quantile >= 0 && options.quantile <= 1)) {
    return error(Code::kInvalidArgument, "quantile must be in [0, 1], got {}", options.quantile);
  }
  if (!(options.budget_s > 0) || options.max_boundaries < 1) {
    return error(Code::kInvalidArgument, "segment budget and boundary count must be positive");
  }
  Expected<Profile> p = Status(Code::kInvalidArgument, "");
  if (method == "isolated") {
    p = measure_isolated(ex, g, options);
  } else if (method == "layerwise") {
    p = measure_layerwise(ex, g, options);
  } else if (method == "segment") {
    p = measure_segment(ex, g, options);
  } else {
    return error(Code::kInvalidArgument, "unknown method '{}' (isolated, layerwise, segment, estimate)",
                 method);
  }
  if (p) report(options, 1, "done");
  return p;
}

// ---- SegmentTimer ----

SegmentTimer::SegmentTimer(Executor* ex, const graph::Graph* g, uint64_t seed)
    : ex_(ex), g_(g), seed_(seed) {}

Expected<int> SegmentTimer::add(const std::vector<graph::NodeId>& nodes, std::string label, double cost_ms,
                                int group) {
  EDGECUT_ASSIGN_OR_RETURN(SegmentId id, ex_->prepare(nodes));
  Seg s;
  s.id = id;
  // Caller ids are >= 0; private groups get negative ids that cannot clash.
  s.group = group >= 0 ? group : -1 - static_cast<int>(segs_.size());
  s.label = std::move(label);
  s.cost_ms = std::max(cost_ms, 1e-3);
  EDGECUT_ASSIGN_OR_RETURN(s.inputs,
                           exec::random_tensors(*g_, ex_->info(id).inputs, seed_ + 7919 * segs_.size()));
  segs_.push_back(std::move(s));
  layer_.push_back(0);
  return static_cast<int>(segs_.size()) - 1;
}

Status SegmentTimer::run_once(Seg& s, bool timed, bool layers) {
  std::vector<Tensor> outputs;
  auto t0 = Clock::now();
  Status st = ex_->run(s.id, s.inputs, &outputs);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!st.is_ok()) return st.with_context("running segment " + s.label);
  if (timed) s.samples.push_back(ms);
  if (timed && layers && !layer_unsupported_) {
    auto lt = ex_->last_run_node_ms(s.id);
    if (lt) {
      s.layer_runs.push_back(std::move(*lt));
    } else if (lt.status().code() == Code::kUnsupported) {
      layer_unsupported_ = true;
    } else {
      return lt.status();
    }
  }
  return Status::ok();
}

Status SegmentTimer::measure(const MeasureOptions& o, double from, double to) {
  const int n = size();
  if (n == 0) return Status::ok();
  double round_cost = 0;
  for (const Seg& s : segs_) round_cost += s.cost_ms;
  const double planned = round_cost * (o.warmup + o.repeat);
  double done = 0;
  auto tick = [&](const Seg& s) {
    done += s.cost_ms;
    if (o.progress) o.progress(std::clamp(from + (to - from) * done / planned, from, to), s.label);
  };
  for (int w = 0; w < o.warmup; ++w) {
    for (Seg& s : segs_) {
      EDGECUT_RETURN_IF_ERROR(run_once(s, false, false));
      tick(s);
    }
  }
  // Groups in order of first appearance.
  std::vector<std::vector<int>> groups;
  {
    std::vector<int> seen_ids;
    for (int i = 0; i < n; ++i) {
      auto it = std::find(seen_ids.begin(), seen_ids.end(), segs_[i].group);
      if (it == seen_ids.end()) {
        seen_ids.push_back(segs_[i].group);
        groups.emplace_back();
        groups.back().push_back(i);
      } else {
        groups[it - seen_ids.begin()].push_back(i);
      }
    }
  }
  // Round-robin over groups, starting each round at a different group so
  // that no group always follows the same one.
  auto rounds = [&](const std::vector<int>& which, int count) -> Status {
    const int m = static_cast<int>(which.size());
    for (int r = 0; r < count; ++r) {
      for (int k = 0; k < m; ++k) {
        for (int i : groups[which[(k + r) % m]]) {
          EDGECUT_RETURN_IF_ERROR(run_once(segs_[i], true, layer_[i] != 0));
          tick(segs_[i]);
        }
      }
    }
    return Status::ok();
  };
  std::vector<int> everyone(groups.size());
  std::iota(everyone.begin(), everyone.end(), 0);
  EDGECUT_RETURN_IF_ERROR(rounds(everyone, o.repeat));
  for (int retry = 0; retry < o.max_retries && Clock::now() < o.retry_until; ++retry) {
    std::vector<int> wide;
    for (size_t k = 0; k < groups.size(); ++k) {
      bool any = std::any_of(groups[k].begin(), groups[k].end(),
                             [&](int i) { return summary(i).spread() > o.max_spread; });
      if (!any) continue;
      wide.push_back(static_cast<int>(k));
      for (int i : groups[k]) ++segs_[i].retries;
    }
    if (wide.empty()) break;
    EDGECUT_RETURN_IF_ERROR(rounds(wide, o.repeat));
  }
  return Status::ok();
}

// ---- StateNormaliser ----

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

double StateNormaliser::estimate(const Runs& r, double q) const {
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

double SegmentTimer::paired_ratio(int i, const std::vector<int>& over, double q) const {
  const auto& num = segs_[i].samples;
  std::vector<double> ratios;
  for (size_t r = 0; r < num.size(); ++r) {
    double den = 0;
    for (int j : over) den += r < segs_[j].samples.size() ? segs_[j].samples[r] : 0;
    if (den > 0) ratios.push_back(num[r] / den);
  }
  return quantile(ratios, q);
}

std::vector<double> SegmentTimer::layer_median(int i) const {
  const auto& runs = segs_[i].layer_runs;
  if (runs.empty()) return {};
  std::vector<double> out(runs.front().size());
  std::vector<double> col(runs.size());
  for (size_t v = 0; v < out.size(); ++v) {
    for (size_t r = 0; r < runs.size(); ++r) col[r] = v < runs[r].size() ? runs[r][v] : 0;
    out[v] = median(col);
  }
  return out;
}

nlohmann::json SegmentTimer::to_json(int i) const {
  nlohmann::json j = profile::to_json(summary(i));
  j["label"] = segs_[i].label;
  j["retries"] = segs_[i].retries;
  j["bimodal"] = looks_bimodal(segs_[i].samples);
  return j;
}

// ---- boundary choice and weight derivation ----

std::vector<int> choose_boundaries(const std::vector<double>& shape, const std::vector<char>& is_cut,
                                   int count) {
  const int n = static_cast<int>(shape.size());
  if (n < 2 || count <= 0) return {};
  const int positions = n - 1;  // 0 .. n-2
  if (count >= positions) {
    std::vector<int> all(positions);
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  // cum[i] = expected time of the prefix through position i.
  std::vector<double> cum(n);
  double acc = 0;
  for (int i = 0; i < n; ++i) cum[i] = (acc += std::max(0.0, shape[i]));
  // Gaps measured in time, with a tiny per-position term so that zero-time
  // stretches still get split once time-heavy gaps are done.
  const double eps = (acc > 0 ? acc : 1.0) * 1e-6;
  auto at = [&](int i) { return cum[i] + eps * i; };
  std::vector<int> chosen = {0};
  if (positions > 1) chosen.push_back(n - 2);
  while (static_cast<int>(chosen.size()) < count) {
    std::sort(chosen.begin(), chosen.end());
    // Widest gap, counting the stretches before the first and after the last boundary.
    int best_a = -1, best_b = -1;
    double best_gap = -1;
    for (size_t k = 0; k + 1 < chosen.size(); ++k) {
      int a = chosen[k], b = chosen[k + 1];
      if (b - a < 2) continue;
      double gap = at(b) - at(a);
      if (gap > best_gap) best_gap = gap, best_a = a, best_b = b;
    }
    if (best_a < 0) break;
    double mid = (at(best_a) + at(best_b)) / 2;
    // A cut just before a node the engine fused away (shape 0: bn / relu after
    // a conv) splits a fused chain, which no sensible plan does: avoid it.
    auto safe = [&](int q) { return q + 1 >= n || shape[q + 1] > 0; };
    int pick = -1;
    double pick_dist = 0;
    for (int pass = 0; pass < 2 && pick < 0; ++pass) {
      for (int q = best_a + 1; q < best_b; ++q) {  // nearest cut vertex within a quarter gap
        if (q >= static_cast<int>(is_cut.size()) || !is_cut[q] || (pass == 0 && !safe(q))) continue;
        double dist = std::fabs(at(q) - mid);
        if (dist <= best_gap / 4 && (pick < 0 || dist < pick_dist)) pick = q, pick_dist = dist;
      }
    }
    for (int pass = 0; pass < 2 && pick < 0; ++pass) {
      for (int q = best_a + 1; q < best_b; ++q) {
        if (pass == 0 && !safe(q)) continue;
        double dist = std::fabs(at(q) - mid);
        if (pick < 0 || dist < pick_dist) pick = q, pick_dist = dist;
      }
    }
    chosen.push_back(pick);
  }
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

Derivation derive_segment_weights(double whole_ms, const std::vector<Boundary>& boundaries,
                                  const std::vector<double>& shape) {
  const int n = static_cast<int>(shape.size());
  Derivation d;
  d.weights.assign(n, 0.0);
  if (n == 0) return d;
  whole_ms = std::max(0.0, whole_ms);
  std::vector<double> split;
  for (const Boundary& b : boundaries) split.push_back(b.prefix_ms + b.suffix_ms - whole_ms);
  d.split_overhead_ms = split.empty() ? 0 : std::max(0.0, median(split));
  const double W = whole_ms + d.split_overhead_ms;
  d.total_ms = W;
  // Knots: (-1, 0), (pos_i, C_i)..., (n-1, W); the ends are pinned by heavy weights.
  std::vector<int> pos = {-1};
  std::vector<double> c = {0}, wt = {1e6};
  for (const Boundary& b : boundaries) {
    if (b.pos < 0 || b.pos > n - 2 || b.pos <= pos.back()) continue;  // precondition; skip bad ones
    // Two estimates of C_i: the prefix run, and W minus the suffix run. Noise
    // is roughly proportional to a run's length, so weigh each by its inverse
    // relative variance: the short side decides (small heads and small tails
    // keep small relative errors; the long side absorbs the difference).
    const double floor_ms = 1e-3 * std::max(W, 1e-9);
    const double a = 1 / std::pow(std::max(b.prefix_ms, floor_ms), 2);
    const double z = 1 / std::pow(std::max(b.suffix_ms, floor_ms), 2);
    pos.push_back(b.pos);
    c.push_back((a * b.prefix_ms + z * (W - b.suffix_ms)) / (a + z));
    wt.push_back(1);
  }
  pos.push_back(n - 1);
  c.push_back(W);
  wt.push_back(1e6);
  std::vector<double> fit = isotonic(c, wt);
  for (double& x : fit) x = std::clamp(x, 0.0, W);
  fit.front() = 0;
  fit.back() = W;
  for (size_t k = 1; k < fit.size(); ++k) fit[k] = std::max(fit[k], fit[k - 1]);
  d.knots_ms.assign(fit.begin() + 1, fit.end() - 1);
  for (size_t k = 0; k + 1 < pos.size(); ++k) {
    const int a = pos[k], b = pos[k + 1];
    const double delta = fit[k + 1] - fit[k];
    double s = 0;
    for (int i = a + 1; i <= b; ++i) s += std::max(0.0, shape[i]);
    for (int i = a + 1; i <= b; ++i) {
      d.weights[i] = s > 0 ? delta * std::max(0.0, shape[i]) / s : delta / (b - a);
    }
  }
  return d;
}

}  // namespace edgecut::profile
