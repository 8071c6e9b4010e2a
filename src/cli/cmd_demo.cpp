// edgecut demo [--model M] [--source S] [--phases 20s@200Mbps,20s@50Mbps,20s@5Mbps] [--edge-fraction F]
//              [--edge-speed 10x] [--trace FILE|preset:NAME|gen:SEED] [--downlink-trace ...]
//
// The whole system on this machine (eval/demo.h): server and edge client in
// two network namespaces over a shaped link whose bandwidth changes mid-run.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "common/edge_speed.h"
#include "common/subprocess.h"
#include "common/units.h"
#include "eval/demo.h"
#include "lab/trace.h"
#include "runtime/frame_log.h"

namespace edgecut::cli {
namespace {

struct DemoArgs {
  DemoArgs() { demo.model.clear(); }  // "": pick_default_model()
  eval::DemoOptions demo;
  // A regime where each kind of plan wins once with the default model on a
  // 0.1-core edge: cloud-only at 200 Mbit/s, an interior cut at 50, edge-only at 5.
  std::string phases = "20s@200Mbps,20s@50Mbps,20s@5Mbps";
  bool json = false;
  std::string trace, downlink_trace, edge_speed;
  bool annotate = false;  // the client draws its output and plans into OUT/annotated.avi
};

// The default model: a pretrained detector whose output means something on
// the video, where setup fetched it; else the built-in GoogLeNet, said so.
constexpr const char* kDefaultModel = "npm:mlsd-tiny-320";
constexpr const char* kFallbackModel = "zoo:googlenet";

void pick_default_model(DemoArgs& a) {
  if (!a.demo.model.empty()) return;
  auto m = load_model_arg(kDefaultModel);
  if (m) {
    a.demo.model = kDefaultModel;
    a.annotate = true;
    return;
  }
  std::cerr << fmt::format(
      "demo: the default model {} cannot be used here ({}); playing {} instead (random weights: its "
      "classes mean nothing; bash scripts/models.sh fetches the pretrained models)\n",
      kDefaultModel, m.status().message(), kFallbackModel);
  a.demo.model = kFallbackModel;
}

// One annotated frame as a PNG (the README's picture): the first frame that
// ran an interior cut, else the middle one. The video holds every logged
// frame in order.
void write_frame_png(const eval::DemoReport& r, const std::string& video, const std::string& png) {
  auto log = runtime::read_frame_log(r.log_path);
  if (!log || log->empty()) return;
  int all = 0;  // the whole model: the most edge nodes any frame ran
  for (const auto& f : *log) all = std::max(all, f.edge_nodes);
  size_t pick = log->size() / 2;
  for (size_t i = 0; i < log->size(); ++i) {
    const auto& f = (*log)[i];
    if (!f.fallback && f.edge_nodes > 0 && f.edge_nodes < all) {
      pick = i;
      break;
    }
  }
  cv::VideoCapture cap(video);
  cv::Mat frame;
  if (!cap.isOpened() || !cap.set(cv::CAP_PROP_POS_FRAMES, static_cast<double>(pick)) || !cap.read(frame))
    return;
  if (cv::imwrite(png, frame, {cv::IMWRITE_PNG_COMPRESSION, 9}))
    std::cerr << fmt::format("demo: frame {} drawn in {}\n", pick, png);
}

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
  pick_default_model(a);
  auto phases = parse_phases(a.phases);
  if (!phases) return report_error("demo", phases.status());
  a.demo.phases = *phases;
  if (!a.edge_speed.empty()) {
    auto sp = parse_edge_speed(a.edge_speed);
    if (!sp) return report_error("demo", sp.status());
    a.demo.edge_fraction = sp->edge_fraction();
    a.demo.edge_speed = sp->label();
  }
  for (auto [spec, slot] :
       {std::pair{&a.trace, &a.demo.uplink_trace}, std::pair{&a.downlink_trace, &a.demo.downlink_trace}}) {
    if (spec->empty()) continue;
    auto t = trace_arg(*spec);
    if (!t) return report_error("demo", t.status());
    *slot = std::move(*t);
  }
  if (a.demo.downlink_trace && !a.demo.uplink_trace) {
    return report_error("demo", Status(Code::kInvalidArgument, "--downlink-trace needs --trace"));
  }
  auto self = self_executable();
  if (!self) return report_error("demo", self.status());
  a.demo.exe = *self;
  if (a.annotate)
    a.demo.run_args.insert(a.demo.run_args.end(), {"--annotate", a.demo.out_dir + "/annotated.avi"});
  auto r = eval::run_demo(a.demo, a.json ? std::cerr : std::cout);
  if (!r) return report_error("demo", r.status());
  if (a.annotate) write_frame_png(*r, a.demo.out_dir + "/annotated.avi", a.demo.out_dir + "/annotated.png");
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
                  "Model (ONNX file, zoo:NAME, or npm:NAME for a pretrained one); default: npm:mlsd-tiny-320 "
                  "(pretrained line segments, drawn into OUT/annotated.avi and .png) when fetched, else "
                  "zoo:googlenet");
  cmd->add_option("--source", a->demo.source,
                  "Video source (default: opencv-doc's vtest.avi, else synthetic)");
  cmd->add_option("--phases", a->phases, "Link bandwidth over time, DURATION@BANDWIDTH,...")
      ->capture_default_str();
  cmd->add_option("--edge-fraction", a->demo.edge_fraction, "Edge speed as a share of one core (CPU quota)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option(
      "--edge-speed", a->edge_speed,
      "Edge:cloud speed ratio instead of --edge-fraction: 5x, 10x, 30x (edge quota 1/ratio of a core)");
  cmd->add_option("--trace", a->trace,
                  "Replay an uplink trace instead of --phases: mahimahi or t_s,mbps CSV file, preset:NAME "
                  "(cat1, 3g, 4g, wifi) or gen:SEED; one pass, 100 ms steps");
  cmd->add_option("--downlink-trace", a->downlink_trace, "Downlink trace (default: the uplink's)");
  cmd->add_option("--trace-window", a->demo.trace_window_s, "Seconds per summary phase under --trace")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  cmd->add_option("--algo", a->demo.algo, "Partitioner for the edge client")->capture_default_str();
  cmd->add_option("--out", a->demo.out_dir, "Folder for the frame log, server log and SVG timeline")
      ->capture_default_str();
  cmd->add_option("--run-arg", a->demo.run_args, "Extra argument for `edgecut run` (repeat)");
  cmd->add_option("--cloud-command", a->demo.cloud_command,
                  "Cloud server command instead of `edgecut serve` (any KServe v2 server, e.g. Triton on an "
                  "export-tails repository); {listen} in it becomes the HOST:PORT to serve gRPC on");
  cmd->add_flag("--json", a->json, "Print the summary as JSON");
  cmd->add_flag("--annotate", a->annotate,
                "Draw the model's output (npm: models: segments, faces) and each frame's plan into "
                "OUT/annotated.avi");
  cmd->add_flag("-q,--quiet", a->demo.quiet, "Client's per-frame lines to OUT/client.log, not the terminal");
  cmd->callback([a] { finish(run_demo_cmd(*a)); });
}

}  // namespace edgecut::cli
