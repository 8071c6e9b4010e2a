// size: one experiment (or test) reads top to bottom: its grid, the runs, then the files and the
// prose that cite them; splitting it would scatter the numbers from the sentences about them.
// E4: prediction error of the profiling methods (eval/paper.h): bench
// accuracy (eval/accuracy.h) per engine x threads, methods isolated (each
// layer timed alone: DADS's measurement), layerwise (the engine's per-layer
// times of whole runs; OpenCV only) and segment (QDMP's fusion-aware
// measurement), mean and p90 |error| of each plan side's predicted latency on
// random and chosen plans, drift-corrected and raw.
#include <fmt/format.h>

#include <algorithm>

#include "engine/engine.h"
#include "eval/accuracy.h"
#include "eval/paper.h"
#include "eval/paper_chart.h"

namespace edgecut::eval {
namespace {

struct Config {
  std::string engine;
  int threads;
};

struct E4Row {
  std::string model, engine, method;
  int threads = 1;
  size_t plans = 0;
  ErrorStats corrected, raw;
  double profile_s = 0, whole_err_pct = 0;
};

}  // namespace

Expected<ExperimentResult> run_paper_e4(const PaperOptions& o, std::ostream& progress) {
  ExperimentResult r;
  r.id = "E4";
  r.title = "prediction error";
  const std::vector<std::string> models = !o.models.empty() ? o.models
                                          : o.quick
                                              ? std::vector<std::string>{"zoo:googlenet@64/8"}
                                              : std::vector<std::string>{"zoo:googlenet", "zoo:resnet50"};
  std::vector<Config> configs;
  for (const std::string& e : {std::string("opencv"), std::string("ort")}) {
    if (!engine::has_engine(e)) continue;
    for (int th : {1, 2}) configs.push_back({e, th});
  }
  std::vector<E4Row> rows;
  for (const std::string& spec : models) {
    EDGECUT_ASSIGN_OR_RETURN(graph::Model m, o.load(spec));
    for (const Config& c : configs) {
      progress << fmt::format("  E4: {} on {}, {} thread(s)\n", spec, c.engine, c.threads) << std::flush;
      AccuracyOptions ao;
      ao.engine = c.engine;
      ao.threads = c.threads;
      ao.plans = o.quick ? 4 : 16;
      ao.points = o.quick ? 6 : 24;
      ao.measure.repeat = o.quick ? 3 : 9;
      ao.measure.budget_s = o.quick ? 2 : 20;
      ao.measure.max_retries = o.quick ? 0 : 2;
      // ORT keeps no per-layer times (engine/ort/ort_executor.h): no layerwise there.
      std::vector<std::string> methods = {"isolated", "segment"};
      if (c.engine != "ort") methods.insert(methods.begin() + 1, "layerwise");
      EDGECUT_ASSIGN_OR_RETURN(AccuracyResult ar, run_accuracy(m, {}, methods, ao));
      for (size_t k = 0; k < ar.profiles.size(); ++k) {
        E4Row row;
        row.model = spec;
        row.engine = c.engine;
        row.method = ar.profiles[k].label;  // "segment" and "segment (one set)" apart
        row.threads = c.threads;
        row.plans = ar.plans.size();
        row.corrected = error_stats(ar.rows[k].corrected.all);
        row.raw = error_stats(ar.rows[k].raw.all);
        row.profile_s = ar.profiles[k].seconds;
        row.whole_err_pct = ar.rows[k].whole_err_pct;
        rows.push_back(row);
      }
    }
  }
  std::vector<std::vector<std::string>> csv;
  for (const E4Row& x : rows) {
    csv.push_back({x.model, x.engine, num(x.threads), x.method, num(static_cast<double>(x.plans)),
                   num(static_cast<double>(x.corrected.n)), num(x.corrected.mean_abs_pct),
                   num(x.corrected.p90_abs_pct), num(x.raw.mean_abs_pct), num(x.raw.p90_abs_pct),
                   num(x.whole_err_pct), num(x.profile_s)});
  }
  EDGECUT_RETURN_IF_ERROR(write_csv(
      o.out_dir + "/e4_prediction_error.csv",
      {"model", "engine", "threads", "method", "plans", "sides", "corrected_mean_abs_pct",
       "corrected_p90_abs_pct", "raw_mean_abs_pct", "raw_p90_abs_pct", "whole_sum_err_pct", "profile_s"},
      csv));
  // Figure: one series per method, x = configuration index, y = mean |error| (p90 as the bar top).
  Chart c;
  c.title = "E4: prediction error of a plan side's latency, per profiling method";
  c.x_label =
      "configuration: 1 = opencv 1 thread, 2 = opencv 2, 3 = ort 1, 4 = ort 2 (first model; others in CSV)";
  c.y_label = "|predicted - measured| / measured (%)";
  c.notes = {
      fmt::format("drift-corrected mean, bar up to p90; model {}; random and chosen plans", models[0])};
  for (const std::string& method :
       {std::string("isolated"), std::string("layerwise"), std::string("segment")}) {
    ChartSeries s{method};
    for (size_t ci = 0; ci < configs.size(); ++ci) {
      for (const E4Row& x : rows) {
        if (x.model == models[0] && x.method == method && x.engine == configs[ci].engine &&
            x.threads == configs[ci].threads) {
          s.x.push_back(static_cast<double>(ci + 1));
          s.y.push_back(x.corrected.mean_abs_pct);
          s.lo.push_back(x.corrected.mean_abs_pct);
          s.hi.push_back(x.corrected.p90_abs_pct);
        }
      }
    }
    if (!s.x.empty()) c.series.push_back(s);
  }
  EDGECUT_RETURN_IF_ERROR(write_chart(o.out_dir + "/e4_prediction_error.svg", c));
  r.csv = {"e4_prediction_error.csv"};
  r.svg = {"e4_prediction_error.svg"};
  std::string md = "## E4: prediction error\n\n";
  md +=
      "Mean / p90 absolute % error of each plan side's predicted latency (head on the edge, tail on the "
      "cloud) "
      "against the side run for real, on random valid plans and the plans the partitioners choose "
      "(e4_prediction_error.csv). Drift-corrected: each round's prediction scaled by the engine's speed in "
      "that "
      "round's whole-net run (eval/accuracy.h); raw beside it. 'sum err' is the whole net priced as the sum "
      "of "
      "its layers against the whole net measured.\n\n";
  md += "| model | engine | threads | method | sides | corrected mean / p90 | raw mean / p90 | sum err |\n";
  md += "|---|---|---|---|---|---|---|---|\n";
  for (const E4Row& x : rows) {
    md += fmt::format("| {} | {} | {} | {} | {} | {:.1f} / {:.1f} % | {:.1f} / {:.1f} % | {:+.1f} % |\n",
                      x.model, x.engine, x.threads, x.method, x.corrected.n, x.corrected.mean_abs_pct,
                      x.corrected.p90_abs_pct, x.raw.mean_abs_pct, x.raw.p90_abs_pct, x.whole_err_pct);
  }
  // The claim: a series' latency is not the sum of its layers', and the
  // segment method predicts it. Best method per configuration.
  md += "\n";
  for (const std::string& model : models) {
    for (const Config& cf : configs) {
      const E4Row* best = nullptr;
      const E4Row* iso = nullptr;
      for (const E4Row& x : rows) {
        if (x.model != model || x.engine != cf.engine || x.threads != cf.threads) continue;
        if (!best || x.corrected.mean_abs_pct < best->corrected.mean_abs_pct) best = &x;
        if (x.method == "isolated") iso = &x;
      }
      if (best && iso) {
        md += fmt::format(
            "- {} on {} with {} thread(s): lowest error {} ({:.1f}%), isolated (DADS) {:.1f}%.\n", model,
            cf.engine, cf.threads, best->method, best->corrected.mean_abs_pct, iso->corrected.mean_abs_pct);
      }
    }
  }
  r.markdown = md;
  return r;
}

}  // namespace edgecut::eval
