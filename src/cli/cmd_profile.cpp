// edgecut profile MODEL --estimate --gflops G [--overhead-us U] [--device NAME] -o FILE
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "profile/profile.h"

namespace edgecut::cli {
namespace {

struct ProfileArgs {
  std::string model;
  bool estimate = false;
  double gflops = 0;
  double overhead_us = 30;
  std::string device = "edge";
  std::string out;
};

int run(const ProfileArgs& a) {
  auto model = load_model_arg(a.model);
  if (!model) return report_error("profile", model.status());
  const graph::Graph& g = model->graph;
  if (!a.estimate) {
    return report_error("profile", error(Code::kInvalidArgument,
                                         "choose a method: --estimate (from FLOPs)"));
  }
  auto p = profile::estimate(g, a.device, a.gflops, a.overhead_us);
  if (!p) return report_error("profile", p.status());
  Status st = profile::save(*p, g, a.out);
  if (!st.is_ok()) return report_error("profile", st);
  double total = 0;
  for (double ms : p->node_ms) total += ms;
  fmt::print("{}: {} nodes, {:.2f} ms in all on '{}' ({}), written to {}\n", g.name, g.num_nodes(), total,
             p->device, p->method, a.out);
  return 0;
}

}  // namespace

void register_profile(CLI::App& app) {
  auto a = std::make_shared<ProfileArgs>();
  CLI::App* sub = app.add_subcommand("profile", "Write a per-node latency profile of a model on one device");
  sub->add_option("model", a->model, kModelHelp)->required();
  sub->add_flag("--estimate", a->estimate, "Estimate times from FLOPs instead of measuring");
  sub->add_option("--gflops", a->gflops, "Device speed for --estimate, in GFLOP/s");
  sub->add_option("--overhead-us", a->overhead_us, "Per-node overhead for --estimate")->capture_default_str();
  sub->add_option("--device", a->device, "Device name recorded in the profile")->capture_default_str();
  sub->add_option("-o,--output", a->out, "Profile file to write")->required();
  sub->callback([a] { finish(run(*a)); });
}

}  // namespace edgecut::cli
