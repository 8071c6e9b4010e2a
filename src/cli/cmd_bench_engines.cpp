// edgecut bench engines MODEL... [--engines opencv,ort] [--threads 1,2] [--runs 30] [--json]
//
// Both engines on the whole model, interleaved in one process, medians, and
// each engine's time over the first one's (eval/engine_bench.h).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/engine_arg.h"
#include "cli/model_arg.h"
#include "cli/progress.h"
#include "eval/engine_bench.h"

namespace edgecut::cli {
namespace {

struct EnginesArgs {
  std::vector<std::string> models;
  std::vector<std::string> engines = {"opencv", "ort"};
  std::vector<int> threads = {1, 2};
  int runs = 30;
  int warmup = 3;
  EngineArgs engine;  // --ort-opt-level, --ort-spinning (its --engine is unused here)
  bool json = false;
};

void print_table(const EnginesArgs& a, const std::vector<eval::EngineBenchRow>& rows) {
  fmt::print(
      "whole-model time in ms, median of {} runs per engine, engines interleaved run by run in one "
      "process; ratio = engine / {}\n",
      a.runs, a.engines[0]);
  std::string head = fmt::format("{:<16} {:>5} {:>7}", "model", "nodes", "threads");
  for (const auto& e : a.engines) head += fmt::format(" {:>10} {:>7}", e + " ms", "spread");
  for (size_t k = 1; k < a.engines.size(); ++k)
    head += fmt::format(" {:>12}", a.engines[k] + "/" + a.engines[0]);
  fmt::print("{}\n", head);
  for (const auto& r : rows) {
    std::string line = fmt::format("{:<16} {:>5} {:>7}", r.model, r.nodes, r.threads);
    for (const auto& t : r.engines) {
      line += t.error.empty() ? fmt::format(" {:>10.2f} {:>6.1f}%", t.ms.median, 100 * t.ms.spread())
                              : fmt::format(" {:>10} {:>7}", "refused", "-");
    }
    for (size_t k = 1; k < r.ratio.size(); ++k) {
      line += r.ratio[k] > 0 ? fmt::format(" {:>11.2f}x", r.ratio[k]) : fmt::format(" {:>12}", "-");
    }
    fmt::print("{}\n", line);
  }
  for (const auto& r : rows) {
    for (const auto& t : r.engines) {
      if (!t.error.empty()) fmt::print("  {} refused by {}: {}\n", r.model, t.engine, t.error);
    }
  }
  if (!rows.empty()) {
    for (const auto& t : rows[0].engines) fmt::print("  {}: {}\n", t.engine, t.options);
  }
}

int run(const EnginesArgs& a) {
  eval::EngineBenchOptions o;
  o.engines = a.engines;
  o.threads = a.threads;
  o.runs = a.runs;
  o.warmup = a.warmup;
  EngineArgs ea = a.engine;
  ea.engine = a.engines.empty() ? engine::default_engine() : a.engines[0];
  auto eo = engine_options(ea, 1);
  if (!eo) return report_error("bench engines", eo.status());
  o.engine = *eo;
  std::vector<eval::EngineBenchRow> rows;
  Progress progress("bench engines", static_cast<int>(a.models.size()), stderr_is_tty() && !a.json);
  for (size_t i = 0; i < a.models.size(); ++i) {
    progress.step(static_cast<int>(i), a.models[i]);
    auto model = load_model_arg(a.models[i]);
    if (!model) return report_error("bench engines", model.status());
    auto r = eval::bench_engines(*model, o);
    if (!r) return report_error("bench engines", r.status());
    for (auto& row : *r) rows.push_back(std::move(row));
  }
  progress.step(static_cast<int>(a.models.size()));
  progress.finish();
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) out.push_back(eval::to_json(r));
    std::cout << nlohmann::json{{"bench", "engines"}, {"runs", a.runs}, {"rows", out}}.dump() << "\n";
  } else {
    print_table(a, rows);
  }
  return 0;
}

}  // namespace

void register_bench_engines(CLI::App* bench) {
  auto a = std::make_shared<EnginesArgs>();
  CLI::App* sub = bench->add_subcommand(
      "engines",
      "Whole-model time per engine, interleaved in one process: medians and ratios (ORT / OpenCV)");
  sub->add_option("models", a->models, kModelHelp)->required();
  sub->add_option("--engines", a->engines, "Engines to compare; the first is the ratios' baseline")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--threads", a->threads, "Thread counts (one row each)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  sub->add_option("--runs", a->runs, "Timed runs per engine (medians)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  sub->add_option("--warmup", a->warmup, "Untimed runs first")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  add_engine_options(sub, &a->engine, /*with_engine=*/false);
  sub->add_flag("--json", a->json, "Machine-readable output");
  sub->callback([a] { finish(run(*a)); });
}

}  // namespace edgecut::cli
