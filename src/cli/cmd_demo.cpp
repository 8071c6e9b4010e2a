// edgecut demo [--model M] [--source S] [--phases 25s@50Mbps,25s@5Mbps,25s@20Mbps] [--edge-fraction F]
//
// The whole system on this machine (eval/demo.h): server and edge client in
// two network namespaces over a shaped link whose bandwidth changes mid-run.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "common/subprocess.h"
#include "common/units.h"
#include "eval/demo.h"

namespace edgecut::cli {
namespace {

struct DemoArgs {
  eval::DemoOptions demo;
  std::string phases = "25s@50Mbps,25s@5Mbps,25s@20Mbps";
  bool json = false;
  bool annotate = false;  // the client draws its output and plans into OUT/annotated.avi
};

Expected<std::vector<eval::RatePhase>> parse_phases(const std::string& text) {
  std::vector<eval::RatePhase> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string piece = text.substr(start, end - start);
    const size_t at = piece.find('@');
    if (at == std::string::npos) {
      return error(Code::kInvalidArgument, "--phases: '{}' is not DURATION@BANDWIDTH (e.g. 25s@50Mbps)",
                   piece);
    }
    EDGECUT_ASSIGN_OR_RETURN(double ms, parse_duration_ms(piece.substr(0, at)));
    EDGECUT_ASSIGN_OR_RETURN(double bps, parse_bandwidth_bps(piece.substr(at + 1)));
    out.push_back({ms / 1e3, bps / 1e6});
    start = end + 1;
  }
  return out;
}

int run_demo_cmd(DemoArgs& a) {
  auto phases = parse_phases(a.phases);
  if (!phases) return report_error("demo", phases.status());
  a.demo.phases = *phases;
  auto self = self_executable();
  if (!self) return report_error("demo", self.status());
  a.demo.exe = *self;
  if (a.annotate)
    a.demo.run_args.insert(a.demo.run_args.end(), {"--annotate", a.demo.out_dir + "/annotated.avi"});
  auto r = eval::run_demo(a.demo, a.json ? std::cerr : std::cout);
  if (!r) return report_error("demo", r.status());
  if (a.json) {
    std::cout << r->to_json().dump() << "\n";
  } else {
    std::cout << r->describe();
  }
  return 0;
}

}  // namespace

void register_demo(CLI::App& app) {
  auto a = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Edge client and cloud server on this machine over a shaped link whose bandwidth changes (root)");
  cmd->add_option("--model", a->demo.model,
                  "Model (ONNX file, zoo:NAME, or npm:NAME for a pretrained one, e.g. npm:mlsd-tiny-320)")
      ->capture_default_str();
  cmd->add_option("--source", a->demo.source,
                  "Video source (default: opencv-doc's vtest.avi, else synthetic)");
  cmd->add_option("--phases", a->phases, "Link bandwidth over time, DURATION@BANDWIDTH,...")
      ->capture_default_str();
  cmd->add_option("--edge-fraction", a->demo.edge_fraction, "Edge speed as a share of one core (CPU quota)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--algo", a->demo.algo, "Partitioner for the edge client")->capture_default_str();
  cmd->add_option("--out", a->demo.out_dir, "Folder for the frame log, server log and SVG timeline")
      ->capture_default_str();
  cmd->add_option("--run-arg", a->demo.run_args, "Extra argument for `edgecut run` (repeat)");
  cmd->add_flag("--json", a->json, "Print the summary as JSON");
  cmd->add_flag("--annotate", a->annotate,
                "Draw the model's output (npm: models: segments, faces) and each frame's plan into "
                "OUT/annotated.avi");
  cmd->add_flag("-q,--quiet", a->demo.quiet, "Client's per-frame lines to OUT/client.log, not the terminal");
  cmd->callback([a] { finish(run_demo_cmd(*a)); });
}

}  // namespace edgecut::cli
