// edgecut bench accuracy MODEL [--profile FILE]... [--method isolated,layerwise,segment] [--plans K]
//                         [--threads N] [--cpu C] [--edge-factor F,...] [--json]
//
// Parses arguments, pins the process (--cpu), loads --profile files, runs
// eval::run_accuracy (src/eval/accuracy.h says what is measured and how) and
// prints a table, or --json.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/cmd_profile_options.h"
#include "cli/commands.h"
#include "cli/engine_arg.h"
#include "cli/model_arg.h"
#include "cli/progress.h"
#include "common/strings.h"
#include "eval/accuracy.h"
#include "profile/measure.h"

namespace edgecut::cli {
namespace {

struct AccuracyArgs {
  std::string model;
  std::vector<std::string> profiles;
  std::string methods;
  int plans = 20;
  int threads = 1;
  EngineArgs engine;
  std::vector<double> edge_factors = {1.5, 4, 16};
  int cpu = -1;
  int points = 24;
  MeasureArgs measure;
  bool json = false;
  bool quiet = false;
};

// One progress bar per phase of the benchmark.
class PhaseBars {
 public:
  explicit PhaseBars(bool show) : show_(show) {}
  void operator()(const std::string& phase, double fraction, const std::string& note) {
    if (!bar_ || phase != phase_) {
      if (bar_) bar_->finish();
      phase_ = phase;
      bar_ = std::make_unique<Progress>(phase, 1000, show_);
    }
    bar_->step(static_cast<int>(fraction * 1000), note);
  }
  void finish() {
    if (bar_) bar_->finish();
    bar_.reset();
  }

 private:
  bool show_;
  std::string phase_;
  std::unique_ptr<Progress> bar_;
};

std::string cell(const std::vector<double>& e) {
  if (e.empty()) return "-";
  const eval::ErrorStats s = eval::error_stats(e);
  return fmt::format("{:.1f} / {:.1f}", s.mean_abs_pct, s.p90_abs_pct);
}

Expected<std::vector<eval::NamedProfile>> load_profiles(const AccuracyArgs& a, const graph::Graph& g) {
  std::vector<eval::NamedProfile> out;
  for (const std::string& path : a.profiles) {
    EDGECUT_ASSIGN_OR_RETURN(profile::Profile p, profile::load_for(path, g));
    if (p.threads != a.threads) {
      fmt::print(stderr, "warning: {} was measured with {} threads, plans run with {}\n", path, p.threads,
                 a.threads);
    }
    std::string label = fmt::format("{} ({})", p.method, path);
    out.push_back({std::move(label), std::move(p), 0});
  }
  return out;
}

void print_json(const AccuracyArgs& a, const graph::Graph& g, const CpuLimitReport& pinned,
                const eval::AccuracyResult& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (size_t k = 0; k < r.profiles.size(); ++k) rows.push_back(eval::row_json(r.profiles[k], r.rows[k]));
  std::cout << nlohmann::json{{"bench", "accuracy"},
                              {"model", g.name},
                              {"nodes", g.num_nodes()},
                              {"threads", a.threads},
                              {"engine", engine::canonical_engine(a.engine.engine)},
                              {"engine_options", r.engine_options},
                              {"repeat", a.measure.repeat},
                              {"cpu", pinned.to_json()},
                              {"plans", r.plans.size()},
                              {"chosen_plans", r.chosen_count},
                              {"whole_ms", r.whole_ms},
                              {"whole_runs", r.whole_runs},
                              {"measure_seconds", r.measure_seconds},
                              {"rows", rows},
                              {"plan_details", r.plan_details}}
                   .dump()
            << "\n";
}

void print_table(const AccuracyArgs& a, const graph::Graph& g, const CpuLimitReport& pinned,
                 const eval::AccuracyResult& r) {
  fmt::print(
      "{}: {} nodes, {} threads, {} plans ({} chosen by qdmp/neurosurgeon over {} bandwidths x edge "
      "factors {}, {} random); whole net {:.2f} ms now; {}\n",
      g.name, g.num_nodes(), a.threads, r.plans.size(), r.chosen_count, a.points,
      fmt::join(a.edge_factors, ","), r.plans.size() - r.chosen_count, r.whole_ms, pinned.describe());
  fmt::print(
      "absolute % error of predicted head and tail latency, mean / p90 over each side of each plan;\n"
      "drift-corrected: each round's prediction scaled by the engine's per-layer times of that side in the "
      "whole-net run just before it, against those at profiling; raw ms beside it\n");
  fmt::print("{:<28} {:>13} {:>13} {:>13} {:>13} {:>13} {:>13} {:>9} {:>9}\n", "profile", "all sides",
             "chosen plans", "random plans", "heads", "tails", "raw all", "sum/whole", "prof. s");
  for (size_t k = 0; k < r.profiles.size(); ++k) {
    const eval::NamedProfile& np = r.profiles[k];
    const eval::Errors& e = r.rows[k].corrected;
    fmt::print("{:<28} {:>13} {:>13} {:>13} {:>13} {:>13} {:>13} {:>+8.1f}% {:>9}\n", np.label.substr(0, 28),
               cell(e.all), cell(e.chosen), cell(e.random), cell(e.heads), cell(e.tails),
               cell(r.rows[k].raw.all), r.rows[k].whole_err_pct,
               np.seconds > 0 ? fmt::format("{:.1f}", np.seconds) : "-");
  }
}

int run(const AccuracyArgs& a) {
  auto model = load_model_arg(a.model);
  if (!model) return report_error("bench accuracy", model.status());
  CpuLimit pin;
  pin.cpu = a.cpu;
  auto pinned = apply_cpu_limit(pin);
  if (!pinned) return report_error("bench accuracy", pinned.status());
  const graph::Graph& g = model->graph;
  std::vector<std::string> methods = split_list(a.methods);
  if (methods.empty() && a.profiles.empty()) {
    // ORT keeps no per-layer times (engine/ort/ort_executor.h): no layerwise there.
    for (const auto& m : profile::method_names()) {
      if (m != "layerwise" || engine::canonical_engine(a.engine.engine) != "ort") methods.push_back(m);
    }
  }
  auto files = load_profiles(a, g);
  if (!files) return report_error("bench accuracy", files.status());
  PhaseBars bars(stderr_is_tty() && !a.quiet && !a.json);
  eval::AccuracyOptions o;
  o.plans = a.plans;
  o.threads = a.threads;
  auto eopts = engine_options(a.engine, a.threads);
  if (!eopts) return report_error("bench accuracy", eopts.status());
  o.engine = a.engine.engine;
  o.engine_options = *eopts;
  o.edge_factors = a.edge_factors;
  o.points = a.points;
  o.measure = measure_options(a.measure);
  o.progress = [&](const std::string& phase, double f, const std::string& note) { bars(phase, f, note); };
  auto r = eval::run_accuracy(*model, std::move(*files), methods, o);
  bars.finish();
  if (!r) return report_error("bench accuracy", r.status());
  if (a.json) {
    print_json(a, g, *pinned, *r);
  } else {
    print_table(a, g, *pinned, *r);
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
  add_engine_options(sub, &a->engine);
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
