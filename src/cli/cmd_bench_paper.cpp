// edgecut bench paper [E1..E5 ...|--all] [--quick] [-o DIR] [--edge-speed 10x] [--trace FILE]...
//
// QDMP's claims as experiments (eval/paper.h says what each measures); every
// experiment writes CSV, SVG and a markdown section into DIR, and DIR/report.md
// gathers them with this command line and the machine's facts.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "common/edge_speed.h"
#include "common/subprocess.h"
#include "eval/paper.h"

namespace edgecut::cli {
namespace {

struct PaperArgs {
  std::vector<std::string> ids;
  bool all = false;
  eval::PaperOptions o;
  std::string edge_speed = "10x";
  std::vector<std::string> argv;  // for the report
};

int run(PaperArgs& a) {
  std::vector<std::string> ids = a.ids;
  if (a.all) {
    ids.clear();
    for (const auto& [id, fn] : eval::paper_experiments()) ids.push_back(id);
  }
  if (ids.empty()) {
    return report_error("bench paper",
                        Status(Code::kInvalidArgument, "name experiments (E1..E5) or give --all"));
  }
  auto speed = parse_edge_speed(a.edge_speed);
  if (!speed) return report_error("bench paper", speed.status());
  a.o.edge_ratio = speed->ratio;
  auto self = self_executable();
  if (!self) return report_error("bench paper", self.status());
  a.o.exe = *self;
  a.o.load = [](const std::string& spec) { return load_model_arg(spec); };
  Status st = eval::run_paper(a.o, ids, std::cerr);
  if (!st.is_ok()) return report_error("bench paper", st);
  fmt::print("report: {}/report.md\n", a.o.out_dir);
  return 0;
}

}  // namespace

void register_bench_paper(CLI::App* bench) {
  auto a = std::make_shared<PaperArgs>();
  CLI::App* sub = bench->add_subcommand(
      "paper",
      "QDMP's claims as experiments E1-E5 (latency, throughput, decision time, prediction error, changing "
      "network): CSV, SVG figures and report.md");
  sub->add_option("experiments", a->ids, "E1 E2 E3 E4 E5 (any of them)")
      ->check(CLI::IsMember({"E1", "E2", "E3", "E4", "E5"}));
  sub->add_flag("--all", a->all, "Every experiment");
  sub->add_flag("--quick", a->o.quick,
                "Small models, short phases, 1 repeat (CI smoke test, under 5 minutes)");
  sub->add_option("-o,--out", a->o.out_dir, "Output folder")->capture_default_str();
  sub->add_option("--edge-speed", a->edge_speed,
                  "Edge:cloud speed preset (5x, 10x, 30x), emulated by the CPU quota")
      ->capture_default_str();
  sub->add_option("--trace", a->o.traces,
                  "E5: trace(s) to replay (file, preset:NAME, gen:SEED); default generated");
  sub->add_option("--repeats", a->o.repeats, "Measured runs per point (full mode)")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  sub->add_option("--models", a->o.models, "Models for E1-E4 instead of each experiment's own list");
  sub->callback([a, sub] {
    std::string cmd = "edgecut bench paper";
    for (const auto& id : a->ids) cmd += " " + id;
    if (a->all) cmd += " --all";
    if (a->o.quick) cmd += " --quick";
    cmd += " -o " + a->o.out_dir + " --edge-speed " + a->edge_speed;
    for (const auto& t : a->o.traces) cmd += " --trace " + t;
    for (const auto& m : a->o.models) cmd += " --models " + m;
    if (sub->count("--repeats")) cmd += fmt::format(" --repeats {}", a->o.repeats);
    a->o.command = cmd;
    finish(run(*a));
  });
}

}  // namespace edgecut::cli
