// edgecut profile MODEL --method isolated|layerwise|segment|estimate [--threads N] [--repeat R]
//                 [--device NAME] [--emulate-edge F | --emulate-cloud | --cpu N] -o FILE
#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <numeric>

#include "cli/cmd_profile_options.h"
#include "cli/commands.h"
#include "cli/engine_arg.h"
#include "cli/model_arg.h"
#include "cli/progress.h"
#include "engine/engine.h"
#include "profile/profile.h"

namespace edgecut::cli {
namespace {

struct ProfileArgs {
  std::string model;
  std::string method;
  bool estimate = false;
  double gflops = 0;
  double overhead_us = 30;
  std::string device;
  EngineArgs engine;
  int threads = 1;
  MeasureArgs measure;
  EmulationArgs emulation;
  bool quiet = false;
  std::string out;
};

int run(const ProfileArgs& a) {
  std::string method = a.method;
  if (a.estimate) {
    if (!method.empty() && method != "estimate") {
      return report_error("profile",
                          error(Code::kInvalidArgument, "--estimate conflicts with --method {}", method));
    }
    method = "estimate";
  }
  if (method.empty()) method = "segment";
  // Before anything starts threads: the limit must cover the engine's pool.
  auto limit = apply_emulation(a.emulation);
  if (!limit) return report_error("profile", limit.status());
  std::string device = a.device.empty() ? default_device(a.emulation) : a.device;

  auto model = load_model_arg(a.model);
  if (!model) return report_error("profile", model.status());
  const graph::Graph& g = model->graph;

  Expected<profile::Profile> p = Status(Code::kInternal, "no method ran");
  if (method == "estimate") {
    if (!(a.gflops > 0)) {
      return report_error("profile", error(Code::kInvalidArgument, "--method estimate needs --gflops G"));
    }
    p = profile::estimate(g, device, a.gflops, a.overhead_us);
  } else {
    // Fail early on an unknown engine / bad thread count.
    auto eopts = engine_options(a.engine, a.threads);
    if (!eopts) return report_error("profile", eopts.status());
    auto probe = engine::make_executor(*model, a.engine.engine, *eopts);
    if (!probe) return report_error("profile", probe.status());
    probe->reset();
    auto make = [&]() { return engine::make_executor(*model, a.engine.engine, *eopts); };
    Progress progress(fmt::format("profile {} ({})", g.name, method), 1000, stderr_is_tty() && !a.quiet);
    profile::MeasureOptions mo = measure_options(a.measure);
    mo.progress = [&](double f, const std::string& note) { progress.step(static_cast<int>(f * 1000), note); };
    p = profile::measure(method, make, g, mo);
    progress.finish();
    if (p) {
      p->engine = engine::canonical_engine(a.engine.engine);
      p->engine_options = engine::describe_options(a.engine.engine, *eopts);
    }
  }
  if (!p) return report_error("profile", p.status());
  p->device = device;
  apply_slowdown(*limit, &*p);
  Status st = profile::save(*p, g, a.out);
  if (!st.is_ok()) return report_error("profile", st);
  double total = std::accumulate(p->node_ms.begin(), p->node_ms.end(), 0.0);
  fmt::print("{}: {} nodes, {:.2f} ms in all on '{}' ({}, {} thread{}), written to {}\n", g.name,
             g.num_nodes(), total, p->device, p->method, p->threads, p->threads == 1 ? "" : "s", a.out);
  if (p->extra.contains("whole")) {
    const auto& w = p->extra["whole"];
    fmt::print("  whole net {:.2f} ms (median of {}, spread {:.1f}%), profiling took {:.1f} s\n",
               w.value("median_ms", 0.0), w.value("n", 0), 100 * w.value("spread", 0.0),
               p->extra.value("seconds", 0.0));
  }
  if (method == "segment") {
    fmt::print(
        "  {} cut positions timed as prefix + suffix, split overhead {:.3f} ms, {} of {} segments over "
        "the spread limit after retries\n",
        p->extra["boundaries"].size(), p->extra.value("split_overhead_ms", 0.0),
        p->extra.value("wide_segments", 0), p->extra.value("segments", 0));
  }
  fmt::print("  cpu: {}\n", limit->describe());
  return 0;
}

}  // namespace

void register_profile(CLI::App& app) {
  auto a = std::make_shared<ProfileArgs>();
  CLI::App* sub = app.add_subcommand("profile", "Write a per-node latency profile of a model on one device");
  sub->add_option("model", a->model, kModelHelp)->required();
  sub->add_option("--method", a->method,
                  "isolated (each node alone), layerwise (engine's per-layer times), segment (fusion-aware, "
                  "default), estimate (from FLOPs)")
      ->check(CLI::IsMember({"isolated", "layerwise", "segment", "estimate"}));
  sub->add_flag("--estimate", a->estimate, "Same as --method estimate");
  sub->add_option("--gflops", a->gflops, "Device speed for --method estimate, in GFLOP/s");
  sub->add_option("--overhead-us", a->overhead_us, "Per-node overhead for --method estimate")
      ->capture_default_str();
  sub->add_option("--device", a->device,
                  "Device name recorded in the profile (default: edge, or cloud with "
                  "--emulate-cloud)");
  add_engine_options(sub, &a->engine);
  sub->add_option("--threads", a->threads, "Engine threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  add_measure_options(sub, &a->measure);
  add_emulation_options(sub, &a->emulation);
  sub->add_flag("-q,--quiet", a->quiet, "No progress bar");
  sub->add_option("-o,--output", a->out, "Profile file to write")->required();
  sub->callback([a] { finish(run(*a)); });
}

}  // namespace edgecut::cli
