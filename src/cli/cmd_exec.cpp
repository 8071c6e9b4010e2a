// edgecut exec MODEL --plan PLAN.json [--algo NAME] [--index I] [--input FILE.bin | --random]
//                    [--threads N] [--repeat R] [--engine E] [--json]
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
#include "cli/model_arg.h"
#include "engine/engine.h"
#include "engine/submodel.h"

namespace edgecut::cli {
namespace {

using graph::NodeId;
using graph::ValueId;
using profile::Tensor;

struct ExecArgs {
  std::string model;
  std::string plan;
  std::string algo;
  int index = 0;
  std::string input;
  bool random = false;
  int threads = 1;
  int repeat = 10;
  std::string engine = "opencv";
  bool json = false;
};

struct ChosenPlan {
  std::string algo;
  int index = 0;
  std::vector<NodeId> edge_nodes;
};

Expected<ChosenPlan> read_plan(const ExecArgs& a, const graph::Graph& g) {
  std::ifstream f(a.plan);
  if (!f) return error(Code::kIo, "{}: cannot open plan file", a.plan);
  nlohmann::json j = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return error(Code::kParseError, "{}: not a JSON object", a.plan);
  if (!j.contains("model_hash") || !j["model_hash"].is_string() || !j.contains("plans") ||
      !j["plans"].is_array()) {
    return error(Code::kParseError,
                 "{}: not a plan file (needs \"model_hash\" and \"plans\"; see `edgecut plan -o`)", a.plan);
  }
  const std::string hash = j["model_hash"].get<std::string>();
  if (hash != g.structure_hash()) {
    std::string other = j.contains("model") && j["model"].is_string() ? j["model"].get<std::string>() : "?";
    return error(
        Code::kInvalidArgument,
        "{}: plan is for model '{}' (hash {}), not for '{}' (hash {}); re-plan with `edgecut plan {} -o "
        "...`",
        a.plan, other, hash, g.name, g.structure_hash(), a.model);
  }
  std::vector<const nlohmann::json*> plans;
  for (const auto& p : j["plans"]) {
    if (!p.is_object()) return error(Code::kParseError, "{}: a plan is not an object", a.plan);
    std::string algo = p.contains("algo") && p["algo"].is_string() ? p["algo"].get<std::string>() : "";
    if (a.algo.empty() || algo == a.algo) plans.push_back(&p);
  }
  if (plans.empty()) {
    return error(Code::kInvalidArgument, "{}: no plan{}", a.plan,
                 a.algo.empty() ? std::string() : fmt::format(" with algo '{}'", a.algo));
  }
  if (a.index < 0 || a.index >= static_cast<int>(plans.size())) {
    return error(Code::kInvalidArgument, "{}: --index {} out of range: {} matching plan(s)", a.plan, a.index,
                 plans.size());
  }
  const nlohmann::json& p = *plans[a.index];
  ChosenPlan c;
  c.index = a.index;
  c.algo = p.contains("algo") && p["algo"].is_string() ? p["algo"].get<std::string>() : "?";
  if (!p.contains("edge_nodes") || !p["edge_nodes"].is_array()) {
    return error(Code::kParseError, "{}: plan {} has no \"edge_nodes\" array", a.plan, a.index);
  }
  for (const auto& v : p["edge_nodes"]) {
    if (!v.is_number_integer()) return error(Code::kParseError, "{}: edge_nodes holds a non-integer", a.plan);
    c.edge_nodes.push_back(v.get<NodeId>());
  }
  RETURN_IF_ERROR(engine::check_node_ids(g, c.edge_nodes).with_context(a.plan));
  if (p.contains("edge_node_names") && p["edge_node_names"].is_array() &&
      p["edge_node_names"].size() == c.edge_nodes.size()) {
    for (size_t i = 0; i < c.edge_nodes.size(); ++i) {
      const auto& n = p["edge_node_names"][i];
      if (n.is_string() && n.get<std::string>() != g.nodes[c.edge_nodes[i]].name) {
        return error(Code::kInvalidArgument, "{}: edge node {} is '{}' in the plan but '{}' in the model",
                     a.plan, c.edge_nodes[i], n.get<std::string>(), g.nodes[c.edge_nodes[i]].name);
      }
    }
  }
  RETURN_IF_ERROR(engine::check_predecessor_closed(g, c.edge_nodes).with_context(a.plan));
  std::sort(c.edge_nodes.begin(), c.edge_nodes.end());
  c.edge_nodes.erase(std::unique(c.edge_nodes.begin(), c.edge_nodes.end()), c.edge_nodes.end());
  return c;
}

std::string shape_str(const std::vector<int64_t>& s) { return fmt::format("{}", fmt::join(s, "x")); }

Expected<std::vector<Tensor>> make_inputs(const ExecArgs& a, const graph::Graph& g) {
  std::vector<Tensor> inputs;
  for (ValueId x : g.inputs) {
    const graph::Value& v = g.values[x];
    if (v.dtype != graph::DType::kFloat) {
      return error(Code::kUnsupported, "model input '{}' is {}; exec feeds float32 inputs only", v.name,
                   graph::dtype_name(v.dtype));
    }
    inputs.push_back(Tensor{v.name, v.shape, std::vector<float>(static_cast<size_t>(v.bytes / 4))});
  }
  if (a.input.empty()) {  // --random (the default): a fixed seed, so runs compare
    std::mt19937 rng(1);
    std::normal_distribution<float> dist(0.f, 1.f);
    for (auto& t : inputs) {
      for (float& f : t.data) f = dist(rng);
    }
    return inputs;
  }
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
                 a.input, size, t.name, shape_str(t.shape), want, hint);
  }
  std::ifstream f(a.input, std::ios::binary);
  f.read(reinterpret_cast<char*>(t.data.data()), static_cast<std::streamsize>(want));
  if (!f) return error(Code::kIo, "{}: read failed", a.input);
  for (float x : t.data) {
    if (!std::isfinite(x)) return error(Code::kInvalidArgument, "{}: holds NaN or infinity", a.input);
  }
  return inputs;
}

double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  size_t n = xs.size();
  return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
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
  auto exec = engine::make_executor(*model, a.engine, a.threads);
  if (!exec) return report_error("exec", exec.status());
  profile::Executor& ex = **exec;

  std::vector<char> on_edge(g.num_nodes(), 0);
  for (NodeId v : plan->edge_nodes) on_edge[v] = 1;
  std::vector<NodeId> all, tail;
  for (NodeId v = 0; v < g.num_nodes(); ++v) {
    all.push_back(v);
    if (!on_edge[v]) tail.push_back(v);
  }
  auto whole_id = ex.prepare(all);
  if (!whole_id) return report_error("exec", whole_id.status());
  profile::SegmentId ids[2] = {-1, -1};
  const std::vector<NodeId>* parts[2] = {&plan->edge_nodes, &tail};
  for (int s = 0; s < 2; ++s) {
    if (parts[s]->empty()) continue;
    auto id = ex.prepare(*parts[s]);
    if (!id) return report_error("exec", id.status().with_context(s == 0 ? "head" : "tail"));
    ids[s] = *id;
  }

  std::vector<double> t_whole, t_side[2];
  std::vector<Tensor> whole_out, pool;
  using clock = std::chrono::steady_clock;
  for (int r = 0; r < a.repeat; ++r) {
    auto t0 = clock::now();
    Status st = ex.run(*whole_id, *inputs, &whole_out);
    t_whole.push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
    if (!st.is_ok()) return report_error("exec", st.with_context("whole model"));
    pool = *inputs;
    for (int s = 0; s < 2; ++s) {
      if (ids[s] < 0) continue;
      std::vector<Tensor> outs;
      t0 = clock::now();
      st = ex.run(ids[s], pool, &outs);
      t_side[s].push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
      if (!st.is_ok()) return report_error("exec", st.with_context(s == 0 ? "head" : "tail"));
      for (auto& t : outs) pool.push_back(std::move(t));
    }
  }

  // What crossed: the tail's inputs (graph inputs read in the cloud included).
  std::vector<ValueId> crossed;
  if (ids[1] >= 0) crossed = ex.info(ids[1]).inputs;
  int64_t crossed_bytes = 0;
  nlohmann::json crossed_json = nlohmann::json::array();
  for (ValueId x : crossed) {
    crossed_bytes += g.values[x].bytes;
    crossed_json.push_back(
        {{"name", g.values[x].name}, {"shape", g.values[x].shape}, {"bytes", g.values[x].bytes}});
  }
  bool identical = true;
  float max_diff = 0;
  nlohmann::json outputs_json = nlohmann::json::array();
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    const std::string& name = g.values[g.outputs[k]].name;
    auto it = std::find_if(pool.begin(), pool.end(), [&](const Tensor& t) { return t.name == name; });
    auto wt =
        std::find_if(whole_out.begin(), whole_out.end(), [&](const Tensor& t) { return t.name == name; });
    if (it == pool.end() || wt == whole_out.end()) {
      return report_error("exec", error(Code::kInternal, "graph output '{}' was not produced", name));
    }
    bool same = it->data.size() == wt->data.size() &&
                std::memcmp(it->data.data(), wt->data.data(), it->data.size() * sizeof(float)) == 0;
    float d = 0;
    for (size_t i = 0; i < it->data.size() && i < wt->data.size(); ++i)
      d = std::max(d, std::fabs(it->data[i] - wt->data[i]));
    identical = identical && same;
    max_diff = std::max(max_diff, d);
    outputs_json.push_back({{"name", name}, {"bit_identical", same}, {"max_abs_diff", d}});
  }

  const double head_ms = median(t_side[0]), tail_ms = median(t_side[1]), whole_ms = median(t_whole);
  if (a.json) {
    nlohmann::json j = {{"model", g.name},
                        {"model_hash", g.structure_hash()},
                        {"algo", plan->algo},
                        {"index", plan->index},
                        {"engine", ex.name()},
                        {"threads", ex.threads()},
                        {"repeat", a.repeat},
                        {"edge_nodes", plan->edge_nodes.size()},
                        {"cloud_nodes", tail.size()},
                        {"head_ms", head_ms},
                        {"tail_ms", tail_ms},
                        {"whole_ms", whole_ms},
                        {"crossed_bytes", crossed_bytes},
                        {"crossed", crossed_json},
                        {"outputs", outputs_json},
                        {"bit_identical", identical},
                        {"max_abs_diff", max_diff}};
    std::cout << j.dump() << "\n";
    return 0;
  }
  fmt::print(
      "model {} ({} nodes), plan {} #{}: {} edge / {} cloud nodes; {} with {} thread(s), median of {} runs\n",
      g.name, g.num_nodes(), plan->algo, plan->index, plan->edge_nodes.size(), tail.size(), ex.name(),
      ex.threads(), a.repeat);
  fmt::print("  head (edge):  {:9.3f} ms{}\n", head_ms, ids[0] < 0 ? "  (empty: cloud only)" : "");
  fmt::print("  tail (cloud): {:9.3f} ms{}\n", tail_ms, ids[1] < 0 ? "  (empty: edge only)" : "");
  fmt::print("  head + tail:  {:9.3f} ms   whole model: {:.3f} ms\n", head_ms + tail_ms, whole_ms);
  fmt::print("  crossed: {} tensor(s), {} bytes ({:.1f} KiB)\n", crossed.size(), crossed_bytes,
             crossed_bytes / 1024.0);
  for (ValueId x : crossed) {
    fmt::print("    {} [{}] {} bytes\n", g.values[x].name, shape_str(g.values[x].shape), g.values[x].bytes);
  }
  if (identical) {
    fmt::print("  result: bit-identical to the whole model (max abs diff 0)\n");
  } else {
    fmt::print("  result: DIFFERS from the whole model, max abs diff {:g}\n", max_diff);
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
  cmd->add_option("--engine", a->engine, "Inference engine")->capture_default_str();
  cmd->add_flag("--json", a->json, "Machine-readable output");
  cmd->callback([a] { finish(run_exec(*a)); });
}

}  // namespace edgecut::cli
