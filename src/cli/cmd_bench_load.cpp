// edgecut bench load [MODEL] --clients N --duration D [--workers W] [--json]
//
// N edge clients against one `edgecut serve` over loopback, mixed plans;
// throughput, p50 / p99, errors and the server's RSS over time
// (eval/load_bench.h). The soak run of the README: --clients 16 --duration 10m.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "cli/progress.h"
#include "common/subprocess.h"
#include "common/units.h"
#include "eval/load_bench.h"

namespace edgecut::cli {
namespace {

struct LoadArgs {
  std::string model = "zoo:googlenet@64/4";
  std::string duration = "30s";
  eval::LoadBenchOptions o;
  bool json = false;
  bool quiet = false;
};

int run_load(LoadArgs& a) {
  auto ms = parse_duration_ms(a.duration);
  if (!ms) return report_error("bench load", ms.status().with_context("--duration"));
  a.o.duration_s = *ms / 1e3;
  auto self = self_executable();
  if (!self) return report_error("bench load", self.status());
  a.o.exe = *self;
  a.o.model_arg = a.model;
  auto model = load_model_arg(a.model);
  if (!model) return report_error("bench load", model.status());
  Progress bar(fmt::format("{} clients", a.o.clients), 1000, stderr_is_tty() && !a.quiet && !a.json);
  a.o.progress = [&](double f) { bar.step(static_cast<int>(f * 1000)); };
  auto r = eval::run_load_bench(*model, a.o);
  bar.finish();
  if (!r) return report_error("bench load", r.status());
  if (a.json) {
    std::cout << r->to_json().dump() << "\n";
  } else {
    std::cout << r->describe();
  }
  return r->errors == 0 ? 0 : 3;
}

}  // namespace

void register_bench_load(CLI::App* bench) {
  auto a = std::make_shared<LoadArgs>();
  CLI::App* cmd =
      bench->add_subcommand("load", "N clients against one server: throughput, p50/p99, errors, RSS");
  cmd->add_option("model", a->model, kModelHelp)->capture_default_str();
  cmd->add_option("--clients", a->o.clients, "Client threads, each with its own channel")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--duration", a->duration, "How long, e.g. 30s or 10m")->capture_default_str();
  cmd->add_option("--plans", a->o.plans, "Distinct plans mixed over the clients (cloud-only first)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--server", a->o.server, "Load this running server (HOST:PORT) instead of starting one");
  cmd->add_option("--workers", a->o.workers, "Server engine slots")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--max-queue", a->o.max_queue, "Server queue bound")->capture_default_str();
  cmd->add_option("--sample", a->o.sample_s, "RSS sampling period, seconds")->capture_default_str();
  cmd->add_flag("--json", a->json, "One JSON object on stdout");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar");
  cmd->callback([a] { finish(run_load(*a)); });
}

}  // namespace edgecut::cli
