// edgecut exec MODEL --plan PLAN.json [--algo NAME] [--index I] [--input FILE.bin | --random]
//                    [--threads N] [--repeat R] [--engine E] [--json] [--dump DIR]
//
// Runs a plan for real in one process: the head (edge nodes) then the tail
// (the rest), tensors crossing by name, and the whole model for reference.
// Prints each side's median time, the tensors and bytes that crossed, and
// whether head + tail reproduces the whole model's output bit for bit.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <random>

#include "cli/commands.h"
#include "cli/engine_arg.h"
#include "cli/exec_dump.h"
#include "cli/model_arg.h"
#include "engine/engine.h"
#include "exec/split_run.h"
#include "graph/segment.h"
#include "partition/plan_io.h"
#include "profile/stats.h"

namespace edgecut::cli {
namespace {

using exec::Tensor;
using graph::NodeId;
using graph::ValueId;

struct ExecArgs {
  std::string model;
  std::string plan;
  std::string algo;
  int index = 0;
  std::string input;
  bool random = false;
  int threads = 1;
  int repeat = 10;
  EngineArgs engine;
  bool json = false;
  std::string dump;
};

struct ChosenPlan {
  std::string algo;
  int index = 0;
  std::vector<NodeId> edge_nodes;
};

Expected<ChosenPlan> read_plan(const ExecArgs& a, const graph::Graph& g) {
  EDGECUT_ASSIGN_OR_RETURN(std::vector<partition::StoredPlan> all, partition::read_plan_file(a.plan, g));
  std::vector<const partition::StoredPlan*> plans;
  for (const auto& p : all) {
    if (a.algo.empty() || p.algo == a.algo) plans.push_back(&p);
  }
  if (plans.empty()) {
    return error(Code::kInvalidArgument, "{}: no plan{}", a.plan,
                 a.algo.empty() ? std::string() : fmt::format(" with algo '{}'", a.algo));
  }
  if (a.index < 0 || a.index >= static_cast<int>(plans.size())) {
    return error(Code::kInvalidArgument, "{}: --index {} out of range: {} matching plan(s)", a.plan, a.index,
                 plans.size());
  }
  return ChosenPlan{plans[a.index]->algo, a.index, plans[a.index]->edge_nodes};
}

Expected<std::vector<Tensor>> make_inputs(const ExecArgs& a, const graph::Graph& g) {
  // --random (the default): a fixed seed, so runs compare.
  EDGECUT_ASSIGN_OR_RETURN(std::vector<Tensor> inputs, exec::random_tensors(g, g.inputs, 1));
  if (a.input.empty()) return inputs;
  if (inputs.size() != 1) {
    return error(Code::kInvalidArgument,
                 "--input takes one raw float32 file, but the model has {} inputs; use --random",
                 inputs.size());
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(a.input, ec);
  if (ec) return error(Code::kIo, "{}: cannot read: {}", a.input, ec.message());
  Tensor& t = inputs[0];
  const auto want = static_cast<uintmax_t>(t.bytes());
  if (size != want) {
    std::string hint = size % 4 != 0      ? " (not a whole number of float32 values: wrong dtype?)"
                       : size == want * 2 ? " (twice the size: float64 data?)"
                                          : "";
    return error(Code::kInvalidArgument,
                 "{}: {} bytes, but input '{}' is {} float32 = {} bytes (raw little-endian, no header){}",
                 a.input, size, t.name(), exec::shape_str(t.shape()), want, hint);
  }
  std::ifstream f(a.input, std::ios::binary);
  f.read(reinterpret_cast<char*>(t.mutable_data()), static_cast<std::streamsize>(want));
  if (!f) return error(Code::kIo, "{}: read failed", a.input);
  for (float x : t.as<float>()) {
    if (!std::isfinite(x)) return error(Code::kInvalidArgument, "{}: holds NaN or infinity", a.input);
  }
  return inputs;
}

// `repeat` runs of the whole model, each followed by the split run.
struct Runs {
  std::vector<double> whole_ms, side_ms[2];  // side 0: head, 1: tail (absent sides: none)
  std::vector<Tensor> whole_out;             // of the last run
  exec::SplitResult last;
};

Expected<Runs> time_runs(exec::Executor& ex, const graph::Graph& g, exec::SegmentId whole_id,
                         const exec::SplitPlan& split, const std::vector<Tensor>& inputs, int repeat) {
  using clock = std::chrono::steady_clock;
  Runs runs;
  for (int rep = 0; rep < repeat; ++rep) {
    auto t0 = clock::now();
    Status st = ex.run(whole_id, inputs, &runs.whole_out);
    runs.whole_ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
    if (!st.is_ok()) return st.with_context("whole model");
    EDGECUT_ASSIGN_OR_RETURN(runs.last, exec::run_split(ex, g, split, inputs));
    if (split.head >= 0) runs.side_ms[0].push_back(runs.last.head_ms);
    if (split.tail >= 0) runs.side_ms[1].push_back(runs.last.tail_ms);
  }
  return runs;
}

// The split run's outputs against the whole model's.
struct Comparison {
  bool identical = true;
  double max_diff = 0;
  nlohmann::json outputs = nlohmann::json::array();
};

Expected<Comparison> compare_outputs(const graph::Graph& g, const exec::SplitResult& r,
                                     const std::vector<Tensor>& whole_out) {
  auto whole = exec::pick(g, g.outputs, whole_out);
  if (!whole) return whole.status().with_context("whole model");
  Comparison c;
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    const bool same = r.outputs[k].bit_equal((*whole)[k]);
    const double d = exec::max_abs_diff(r.outputs[k], (*whole)[k]);
    c.identical = c.identical && same;
    c.max_diff = std::max(c.max_diff, d);
    c.outputs.push_back({{"name", r.outputs[k].name()}, {"bit_identical", same}, {"max_abs_diff", d}});
  }
  return c;
}

// Everything `exec` reports, gathered once for the text and JSON printers.
struct ExecReport {
  const graph::Graph& g;
  const ChosenPlan& plan;
  const exec::Executor& ex;
  const exec::SplitPlan& split;
  const exec::SplitResult& r;
  const Comparison& cmp;
  int repeat;
  double head_ms, tail_ms, whole_ms;

  size_t cloud_nodes() const { return g.num_nodes() - split.edge_nodes.size(); }
  int64_t crossed_bytes() const {
    int64_t n = 0;
    for (const Tensor& t : r.crossed) n += static_cast<int64_t>(t.bytes());
    return n;
  }
};

nlohmann::json exec_json(const ExecReport& e) {
  // What crossed: the tail's inputs (graph inputs read in the cloud included).
  nlohmann::json crossed = nlohmann::json::array();
  for (const Tensor& t : e.r.crossed) {
    crossed.push_back({{"name", t.name()}, {"shape", t.shape()}, {"bytes", t.bytes()}});
  }
  return {{"model", e.g.name},
          {"model_hash", e.g.structure_hash()},
          {"algo", e.plan.algo},
          {"index", e.plan.index},
          {"engine", e.ex.name()},
          {"threads", e.ex.threads()},
          {"repeat", e.repeat},
          {"edge_nodes", e.plan.edge_nodes.size()},
          {"cloud_nodes", e.cloud_nodes()},
          {"head_ms", e.head_ms},
          {"tail_ms", e.tail_ms},
          {"whole_ms", e.whole_ms},
          {"crossed_bytes", e.crossed_bytes()},
          {"crossed", crossed},
          {"outputs", e.cmp.outputs},
          {"bit_identical", e.cmp.identical},
          {"max_abs_diff", e.cmp.max_diff}};
}

void print_exec(const ExecReport& e) {
  fmt::print(
      "model {} ({} nodes), plan {} #{}: {} edge / {} cloud nodes; {} with {} thread(s), median of {} runs\n",
      e.g.name, e.g.num_nodes(), e.plan.algo, e.plan.index, e.plan.edge_nodes.size(), e.cloud_nodes(),
      e.ex.name(), e.ex.threads(), e.repeat);
  fmt::print("  head (edge):  {:9.3f} ms{}\n", e.head_ms, e.split.head < 0 ? "  (empty: cloud only)" : "");
  fmt::print("  tail (cloud): {:9.3f} ms{}\n", e.tail_ms, e.split.tail < 0 ? "  (empty: edge only)" : "");
  fmt::print("  head + tail:  {:9.3f} ms   whole model: {:.3f} ms\n", e.head_ms + e.tail_ms, e.whole_ms);
  const int64_t bytes = e.crossed_bytes();
  fmt::print("  crossed: {} tensor(s), {} bytes ({:.1f} KiB)\n", e.r.crossed.size(), bytes, bytes / 1024.0);
  for (const Tensor& t : e.r.crossed) {
    fmt::print("    {} [{}] {} bytes\n", t.name(), exec::shape_str(t.shape()), t.bytes());
  }
  if (e.cmp.identical) {
    fmt::print("  result: bit-identical to the whole model (max abs diff 0)\n");
  } else {
    fmt::print("  result: DIFFERS from the whole model, max abs diff {:g}\n", e.cmp.max_diff);
  }
}

int run_exec(const ExecArgs& a) {
  // OpenCV logs importer failures itself; our error message says it better.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  auto model = load_model_arg(a.model);
  if (!model) return report_error("exec", model.status());
  const graph::Graph& g = model->graph;
  auto plan = read_plan(a, g);
  if (!plan) return report_error("exec", plan.status());
  auto inputs = make_inputs(a, g);
  if (!inputs) return report_error("exec", inputs.status());
  auto eopts = engine_options(a.engine, a.threads);
  if (!eopts) return report_error("exec", eopts.status());
  auto executor = engine::make_executor(*model, a.engine.engine, *eopts);
  if (auto pe = partition::read_profile_engines(a.plan); pe) {
    std::string w = partition::engine_mismatch_warning(*pe, engine::canonical_engine(a.engine.engine));
    if (!w.empty()) fmt::print(stderr, "edgecut exec: warning: {}\n", w);
  }
  if (!executor) return report_error("exec", executor.status());
  exec::Executor& ex = **executor;

  auto whole_id = ex.prepare(graph::all_nodes(g));
  if (!whole_id) return report_error("exec", whole_id.status());
  auto split = exec::prepare_split(ex, g, plan->edge_nodes);
  if (!split) return report_error("exec", split.status());
  auto runs = time_runs(ex, g, *whole_id, *split, *inputs, a.repeat);
  if (!runs) return report_error("exec", runs.status());
  if (!a.dump.empty()) {
    Status st = write_exec_dump(a.dump, g, split->edge_nodes, runs->last);
    if (!st.is_ok()) return report_error("exec", st);
  }
  auto cmp = compare_outputs(g, runs->last, runs->whole_out);
  if (!cmp) return report_error("exec", cmp.status());

  const ExecReport rep{g,
                       *plan,
                       ex,
                       *split,
                       runs->last,
                       *cmp,
                       a.repeat,
                       profile::median(runs->side_ms[0]),
                       profile::median(runs->side_ms[1]),
                       profile::median(runs->whole_ms)};
  if (a.json) {
    std::cout << exec_json(rep).dump() << "\n";
  } else {
    print_exec(rep);
  }
  return 0;
}

}  // namespace

void register_exec(CLI::App& app) {
  auto a = std::make_shared<ExecArgs>();
  CLI::App* cmd = app.add_subcommand(
      "exec", "Run a plan's head then tail on a real engine; compare with the whole model");
  cmd->add_option("model", a->model, kModelHelp)->required();
  cmd->add_option("--plan", a->plan, "Plan file written by `edgecut plan ... -o FILE`")->required();
  cmd->add_option("--algo", a->algo, "Pick the plans of this algorithm (default: all)");
  cmd->add_option("--index", a->index, "Which matching plan (0-based)")->capture_default_str();
  auto* in = cmd->add_option("--input", a->input, "Raw little-endian float32 input tensor file (.bin)");
  cmd->add_flag("--random", a->random, "Random normal input, fixed seed (the default)")->excludes(in);
  cmd->add_option("--threads", a->threads, "Engine threads (OpenCV's pool is process-wide)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--repeat", a->repeat, "Timed runs; medians are reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  add_engine_options(cmd, &a->engine);
  cmd->add_flag("--json", a->json, "Machine-readable output");
  cmd->add_option(
      "--dump", a->dump,
      "Write the crossing tensors and outputs as raw files plus DIR/manifest.json (see exec_dump.h)");
  cmd->callback([a] { finish(run_exec(*a)); });
}

}  // namespace edgecut::cli
