// edgecut bench stream: frames/s of edge-only, cloud-only, neurosurgeon, DADS,
// DADS+DSH and ours on the shaped link (eval/stream_bench.h). Root only.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/strings.h"
#include "eval/stream_bench.h"

namespace edgecut::cli {
namespace {

struct StreamArgs {
  eval::StreamBenchOptions o;
  std::string models = "zoo:resnet50,zoo:googlenet";
  std::string mbps = "5,50";
  std::string methods = "edge-only,cloud-only,neurosurgeon,dads,dads+dsh,ours";
  bool json = false;
};

int run(StreamArgs& a) {
  a.o.models = split_list(a.models, ',', true);
  a.o.methods = split_list(a.methods, ',', true);
  a.o.mbps.clear();
  for (const auto& m : split_list(a.mbps, ',', true)) {
    char* end = nullptr;
    const double v = std::strtod(m.c_str(), &end);
    if (end == m.c_str() || *end != '\0' || !(v > 0)) {
      return report_error("bench", error(Code::kInvalidArgument, "--mbps: '{}' is not a positive number", m));
    }
    a.o.mbps.push_back(v);
  }
  for (const auto& m : a.o.methods) {
    if (auto args = eval::stream_method_args(m); !args) return report_error("bench", args.status());
  }
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0)
    return report_error("bench", error(Code::kIo, "cannot find the edgecut binary (/proc/self/exe)"));
  a.o.exe = std::string(self, static_cast<size_t>(n));
  auto runs = eval::run_stream_bench(a.o, std::cerr);
  if (!runs) return report_error("bench", runs.status());
  if (a.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : *runs) rows.push_back(eval::to_json(r));
    std::cout << nlohmann::json{{"bench", "stream"}, {"rows", rows}}.dump() << "\n";
    return 0;
  }
  std::cout << eval::describe_stream_table(*runs, a.o);
  return 0;
}

}  // namespace

void register_bench_stream(CLI::App* bench) {
  auto a = std::make_shared<StreamArgs>();
  CLI::App* cmd = bench->add_subcommand(
      "stream",
      "Frames/s on the shaped link: edge-only, cloud-only, neurosurgeon, DADS, DADS+DSH, ours (root)");
  cmd->add_option("--models", a->models, "Models, comma-separated")->capture_default_str();
  cmd->add_option("--mbps", a->mbps, "Link rates in Mbit/s, comma-separated")->capture_default_str();
  cmd->add_option("--methods", a->methods, "Methods, comma-separated")->capture_default_str();
  cmd->add_option("--seconds", a->o.seconds, "Measured seconds per run")->capture_default_str();
  cmd->add_option("--edge-fraction", a->o.edge_fraction, "Edge speed as a share of one core")
      ->capture_default_str();
  cmd->add_option("--source", a->o.source, "Video source (default: the demo's)");
  cmd->add_option("--out", a->o.out_dir, "Folder for the runs' logs")->capture_default_str();
  cmd->add_flag("--json", a->json, "Machine-readable output");
  cmd->callback([a] { finish(run(*a)); });
}

}  // namespace edgecut::cli
