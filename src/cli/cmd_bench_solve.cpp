// edgecut bench solve: solve and re-decision times of the partitioners, with
// ratios against the baselines measured in the same process.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "cli/progress.h"
#include "eval/solve_bench.h"

namespace edgecut::cli {
namespace {

struct BenchArgs {
  std::vector<std::string> models = {
      "zoo:alexnet",   "zoo:vgg16",       "zoo:resnet18",     "zoo:resnet50",     "zoo:resnet152",
      "zoo:googlenet", "zoo:densenet121", "zoo:mobilenet_v2", "zoo:resnet1001/4", "zoo:resnet2000/8"};
  double min_ms = 200;  // per measurement
  bool json = false;
  std::string objective = "latency";
};

// --objective throughput: our exact bottleneck solver beside DSH, same process.
int run_throughput(const BenchArgs& a) {
  std::vector<eval::ThroughputSolveTimes> rows;
  for (const auto& name : a.models) {
    auto model = load_model_arg(name);
    if (!model) return report_error("bench", model.status());
    auto row = eval::bench_solve_throughput(model->graph, name, a.min_ms);
    if (!row) return report_error("bench", row.status());
    rows.push_back(*row);
  }
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) out.push_back(eval::to_json(r));
    std::cout << nlohmann::json{{"bench", "solve"}, {"objective", "throughput"}, {"rows", out}}.dump()
              << "\n";
    return 0;
  }
  fmt::print(
      "throughput cut: solve times in microseconds (median of 5 rounds, 20 bandwidths 0.1 Mbps..1 Gbps;\n"
      "costs estimated from FLOPs: edge 20, cloud 400 GFLOP/s). 'ours' = exact bottleneck solver\n"
      "(partition/throughput.h), 'scratch' includes building the structure; DSH = DADS heavy-load\n"
      "(whole-graph min-cut of the stage sum). 'DSH period' = worst ratio of DSH's period to ours.\n");
  fmt::print("{:<16} {:>6} {:>6} {:>8} {:>9} | {:>9} {:>9} {:>9} | {:>8} {:>10} {:>5}\n", "model", "nodes",
             "blocks", "searched", "b&b nodes", "ours", "ours", "DSH", "DSH time", "DSH period", "exact");
  fmt::print("{:<16} {:>6} {:>6} {:>8} {:>9} | {:>9} {:>9} {:>9} | {:>8} {:>10} {:>5}\n", "", "", "", "", "",
             "scratch", "re-decide", "", "/ ours", "/ ours", "");
  for (const auto& r : rows) {
    fmt::print("{:<16} {:>6} {:>6} {:>8} {:>9} | {:>9.1f} {:>9.1f} {:>9.1f} | {:>7.1f}x {:>9.2f}x {:>5}\n",
               r.model, r.nodes, r.blocks, r.blocks_searched, r.bb_nodes, r.ours_scratch, r.ours_redecide,
               r.dsh, r.dsh / r.ours_scratch, r.dsh_over_ours_period, r.exact ? "yes" : "NO");
  }
  return 0;
}

int run(const BenchArgs& a) {
  if (a.objective == "throughput") return run_throughput(a);
  std::vector<eval::SolveTimes> rows;
  Progress progress("bench solve", static_cast<int>(a.models.size()), stderr_is_tty() && !a.json);
  for (size_t i = 0; i < a.models.size(); ++i) {
    progress.step(static_cast<int>(i), a.models[i]);
    auto model = load_model_arg(a.models[i]);
    if (!model) return report_error("bench", model.status());
    auto row = eval::bench_solve(model->graph, a.models[i], a.min_ms);
    if (!row) return report_error("bench", row.status());
    rows.push_back(*row);
  }
  progress.step(static_cast<int>(a.models.size()));
  progress.finish();
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const eval::SolveTimes& r : rows) out.push_back(eval::to_json(r));
    std::cout << nlohmann::json{{"bench", "solve"}, {"rows", out}}.dump() << "\n";
    return 0;
  }
  fmt::print(
      "solve times in microseconds (median of 5 rounds, 20 bandwidths 0.1 Mbps..1 Gbps, rtt 20 ms;\n"
      "costs estimated from FLOPs: edge 20, cloud 400 GFLOP/s). 'scratch' analyses the structure and\n"
      "prices it; 'cold' is a single-shot decision for costs not seen before, the structure analysed once\n"
      "per model; 're-decide' a new bandwidth only; 'LEMON flow only' is LEMON's Preflow on dads-fixed's\n"
      "whole-graph network, without building it; lookup = envelope binary search.\n");
  fmt::print(
      "{:<16} {:>6} {:>5} | {:>8} {:>8} {:>8} {:>7} | {:>10} {:>10} {:>8} | {:>8} {:>5} {:>8} | {:>8} "
      "{:>8}\n",
      "model", "nodes", "cuts", "qdmp", "qdmp", "qdmp", "analyse", "dads-fixed", "LEMON", "neuro-",
      "envelope", "plans", "envelope", "dads-fix", "dads-fix");
  fmt::print(
      "{:<16} {:>6} {:>5} | {:>8} {:>8} {:>8} {:>7} | {:>10} {:>10} {:>8} | {:>8} {:>5} {:>8} | {:>8} "
      "{:>8}\n",
      "", "", "", "scratch", "cold", "re-decid", "", "scratch", "flow only", "surgeon", "build", "", "lookup",
      "/scratch", "/ cold");
  for (const eval::SolveTimes& r : rows) {
    fmt::print(
        "{:<16} {:>6} {:>5} | {:>8.1f} {:>8.1f} {:>8.1f} {:>7.1f} | {:>10.1f} {:>10.1f} {:>8.1f} | {:>8.0f} "
        "{:>5} "
        "{:>8.4f} | {:>7.1f}x {:>7.1f}x\n",
        r.model, r.nodes, r.cut_vertices, r.qdmp_scratch, r.qdmp_cold, r.qdmp_redecide, r.analyze,
        r.dads_fixed, r.dads_fixed_lemon, r.neurosurgeon, r.envelope_build, r.envelope_pieces,
        r.envelope_lookup, r.dads_fixed / r.qdmp_scratch, r.dads_fixed / r.qdmp_cold);
  }
  fmt::print(
      "\nrebuild after a drift correction (costs x1.25 / x0.8 per side): a new qdmp and its envelope over\n"
      "0.1 Mbps..1 Gbps, in microseconds; dads-fixed on a structure analysed once, for comparison with "
      "cold\n");
  fmt::print("{:<16} | {:>14} {:>12} {:>8} | {:>12} {:>8}\n", "model", "with analysis", "re-priced", "saved",
             "dads-fixed", "/ cold");
  fmt::print("{:<16} | {:>14} {:>12} {:>8} | {:>12} {:>8}\n", "", "", "", "", "shared st.", "");
  for (const eval::SolveTimes& r : rows) {
    fmt::print("{:<16} | {:>14.1f} {:>12.1f} {:>7.0f}% | {:>12.1f} {:>7.1f}x\n", r.model, r.rebuild_analyze,
               r.rebuild_reprice, 100 * (1 - r.rebuild_reprice / r.rebuild_analyze), r.dads_fixed_shared,
               r.dads_fixed_shared / r.qdmp_cold);
  }
  return 0;
}

}  // namespace

void register_bench_solve(CLI::App* bench) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* solve =
      bench->add_subcommand("solve", "Solve / re-decision time: qdmp vs dads-fixed, neurosurgeon, envelope");
  solve->add_option("--models", a->models, "Models (files or zoo:NAME)")->capture_default_str();
  solve->add_option("--min-ms", a->min_ms, "Time spent per measurement")->capture_default_str();
  solve->add_flag("--json", a->json, "Machine-readable output");
  solve
      ->add_option("--objective", a->objective,
                   "latency (qdmp vs dads-fixed...) or throughput (exact bottleneck solver vs DSH)")
      ->check(CLI::IsMember({"latency", "throughput"}))
      ->capture_default_str();
  solve->callback([a] { finish(run(*a)); });
}

}  // namespace edgecut::cli
