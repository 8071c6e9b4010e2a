// edgecut run MODEL --cloud HOST:PORT --source FILE|camera:N|synthetic [...]
//
// The edge half: plays a video source through the model, cut for the bandwidth
// measured now, the tail on `edgecut serve`. Prints a line per frame (plan,
// bytes sent, latency against prediction, top-5) and a summary; --log writes a
// JSON line per frame.
#include <fmt/format.h>

#include <iostream>
#include <opencv2/core/utils/logger.hpp>

#include "cli/cmd_profile_options.h"
#include "cli/commands.h"
#include "cli/costs_arg.h"
#include "cli/encodings_arg.h"
#include "cli/engine_arg.h"
#include "cli/model_arg.h"
#include "cli/security_args.h"
#include "codec/encoding.h"
#include "common/units.h"
#include "partition/plan_io.h"
#include "runtime/run_loop.h"
#include "runtime/stream_loop.h"

namespace edgecut::cli {
namespace {

struct RunArgs {
  std::string model;
  std::string cloud;
  std::string source = "synthetic";
  std::string name;
  int64_t frames = 0;
  double fps = 0;
  bool loop = false;
  std::string algo = "qdmp";
  std::string bandwidth;  // fixed: skip the estimator
  std::string range = "0.25Mbps:2Gbps";
  double hysteresis = 0.05;
  int threads = 1;
  EngineArgs engine;
  std::string log;
  std::string annotate;  // draw the task's output and the plan on the frames (runtime/task_sink.h)
  bool json = false;
  bool quiet = false;
  CostArgs costs;
  EncodingArgs encodings;
  EmulationArgs emulation;
  ClientSecurityArgs security;
  std::string mode = "latency";  // or stream (runtime/stream_loop.h)
  std::string objective;         // default: latency for --mode latency, throughput for stream
  int in_flight = 2;
  int queue = 2;
  double rebuild_shift = 0;  // 0: 0.10, or 0.25 with --mode stream
  bool early_finish = false;
};

// Plans minimise the slowest stage when streaming, unless --objective says otherwise.
bool throughput_objective(const RunArgs& a) {
  return a.objective.empty() ? a.mode == "stream" : a.objective == "throughput";
}

Status configure(const RunArgs& a, const graph::Graph& g, runtime::EdgeOptions* o) {
  o->model_name = a.name;
  o->channel.address = a.cloud;
  EDGECUT_RETURN_IF_ERROR(configure_client_security(a.security, &o->channel));
  EDGECUT_ASSIGN_OR_RETURN(o->engine, engine_options(a.engine, a.threads));
  o->engine_name = a.engine.engine;
  o->control.hysteresis = a.hysteresis;
  o->early_finish = a.early_finish;
  // Every rebuild prepares new heads on the edge thread, a stall of the
  // pipeline's edge stage (seconds on a slow edge); the helper threads also
  // perturb head timings. So streams re-plan on larger drifts only.
  o->control.rebuild_shift = a.rebuild_shift > 0 ? a.rebuild_shift : (a.mode == "stream" ? 0.25 : 0.10);
  EDGECUT_ASSIGN_OR_RETURN(BandwidthRange r, parse_bandwidth_range(a.range));
  o->control.min_bps = r.lo_bps;
  o->control.max_bps = r.hi_bps;
  EDGECUT_ASSIGN_OR_RETURN(o->control.encodings, load_encodings(a.encodings, g));
  if (!a.bandwidth.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(o->fixed_bps, parse_bandwidth_bps(a.bandwidth));
  }
  if (a.algo.rfind("fixed:", 0) == 0) {
    const std::string path = a.algo.substr(6);
    EDGECUT_ASSIGN_OR_RETURN(auto plans, partition::read_plan_file(path, g));
    if (auto pe = partition::read_profile_engines(path); pe) {
      std::string w = partition::engine_mismatch_warning(*pe, engine::canonical_engine(a.engine.engine));
      if (!w.empty()) fmt::print(stderr, "edgecut run: warning: {}\n", w);
    }
    o->control.algo = "fixed";
    for (auto& p : plans) {
      o->control.fixed_plans.push_back(std::move(p.edge_nodes));
      o->control.fixed_encodings.push_back(std::move(p.cut_encodings));
    }
    return Status::ok();
  }
  o->control.throughput = throughput_objective(a);
  const auto& names = runtime::Controller::algorithm_names(o->control.throughput);  // the one list
  if (std::find(names.begin(), names.end(), a.algo) == names.end()) {
    return error(Code::kInvalidArgument, "--algo '{}': use {} or fixed:PLANS.json{}", a.algo,
                 fmt::join(names, ", "), o->control.throughput ? "" : " (dsh: with --mode stream)");
  }
  o->control.algo = a.algo;
  return Status::ok();
}

// A uint8 / JPEG frame carries its normalisation to the server (net/wire.h
// kImageNorm) for three channels; a model whose card has another channel
// count (RGBA) sends its input as floats.
void drop_frame_encodings(const task::ModelCard& card, const graph::Graph& g, runtime::EdgeOptions* o) {
  const auto& p = card.preprocess;
  if (p) o->image_norm = {p->scale, p->mean, p->std};
  if (!o->control.encodings || !p || p->channel_count() == 3) return;
  auto table = std::make_shared<partition::EncodingTable>(*o->control.encodings);
  for (graph::ValueId x : g.inputs) {
    if (static_cast<size_t>(x) >= table->options.size()) continue;
    auto& opts = table->options[static_cast<size_t>(x)];
    std::erase_if(opts, [](const partition::EncodingOption& e) {
      auto enc = codec::parse_encoding(e.name);
      return enc && enc->image_only();
    });
  }
  o->control.encodings = std::move(table);
}

// The model's card: its preprocessing for the frames, its decoder for the
// outputs (and --annotate).
Status configure_task(const RunArgs& a, const graph::Model& model, const task::ModelCard& card,
                      runtime::RunOptions* ro, std::ostream& out) {
  if (card.preprocess) ro->preprocess = runtime::options_from(*card.preprocess);
  if (!a.annotate.empty() && a.mode == "stream") {
    return error(Code::kInvalidArgument, "--annotate draws frames in --mode latency only");
  }
  if (card.task.kind != task::TaskKind::kNone) {
    EDGECUT_ASSIGN_OR_RETURN(task::Decoder d, task::Decoder::make(card, model));
    EDGECUT_ASSIGN_OR_RETURN(auto sink, runtime::TaskSink::make(std::move(d), a.annotate, a.fps));
    ro->task = std::move(sink);
  }
  out << fmt::format("  model card: {} (task {})\n", card.source, task::task_name(card.task.kind));
  return Status::ok();
}

int run_run(const RunArgs& a) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  auto cpu = apply_emulation(a.emulation);
  if (!cpu) return report_error("run", cpu.status());
  auto model = load_model_arg(a.model);
  if (!model) return report_error("run", model.status());
  const graph::Graph& g = model->graph;
  auto costs = load_costs(a.costs, g);
  if (!costs) return report_error("run", costs.status());
  auto card = load_card_arg(a.model, *model);
  if (!card) return report_error("run", card.status());
  runtime::EdgeOptions opts;
  if (Status st = configure(a, g, &opts); !st.is_ok()) return report_error("run", st);
  drop_frame_encodings(*card, g, &opts);
  const std::string allowed = describe_allowed(opts.control.encodings.get(), g);
  runtime::SourceOptions so;
  so.max_frames = a.frames;
  so.loop = a.loop;
  auto source = runtime::make_source(a.source, so);
  if (!source) return report_error("run", source.status());
  std::ostream& out = a.json ? std::cerr : std::cout;
  out << fmt::format("edgecut run: {} ({} nodes) on {}, cloud {}, algo {}; costs: {}; {}\n", g.name,
                     g.num_nodes(), (*source)->name(), a.cloud, a.algo, costs->source, cpu->describe());
  if (!allowed.empty()) {
    out << "  encodings allowed (task F1 kept in calibration, against the uncut fp32 model):\n" << allowed;
  }
  auto client = runtime::EdgeClient::create(*model, costs->edge_ms, costs->cloud_ms, opts);
  if (!client) return report_error("run", client.status());
  for (const auto& n : (*client)->start_notes()) fmt::print(stderr, "edgecut run: {}\n", n);
  runtime::EdgeClient& edge = **client;
  const size_t prepared = edge.session().prepared_count();  // not under with_controller: one lock
  edge.session().with_controller([&](const runtime::Controller& c) {
    if (!edge.cloud_up()) {
      out << fmt::format(
          "  cloud {} not answering: running the whole model here, pinging with backoff; "
          "plans are prepared when it answers\n",
          a.cloud);
    } else {
      out << fmt::format("  {} candidate plan(s) prepared (heads here, tails on the server); rtt {:.2f} ms\n",
                         prepared, c.rtt_ms());
    }
    if (opts.control.throughput && edge.cloud_up()) {
      out << fmt::format(
          "  sending costs the edge stage {:.2f} ms per request + {:.2f} ms per MB (measured)\n",
          c.send_request_ms(), c.send_byte_ms() * 1e6);
    }
    return 0;
  });
  runtime::RunOptions ro;
  if (Status st = configure_task(a, *model, *card, &ro, out); !st.is_ok()) return report_error("run", st);
  ro.fps = a.fps;
  ro.log_path = a.log;
  ro.print_frames = !a.quiet && !a.json;
  runtime::StreamOptions stream;
  stream.in_flight = a.in_flight;
  stream.queue = a.queue;
  auto summary = a.mode == "stream" ? runtime::run_stream(**source, **client, g, ro, stream, out)
                                    : runtime::run_frames(**source, **client, g, ro, out);
  if (!summary) return report_error("run", summary.status());
  if (a.json) {
    std::cout << summary->to_json().dump() << "\n";
  } else {
    std::cout << summary->describe();
  }
  return 0;
}

}  // namespace

void register_run(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd =
      app.add_subcommand("run", "Edge client: run a video source through the model, cut with the cloud");
  cmd->add_option("model", a->model, kModelHelp)->required();
  cmd->add_option("--cloud", a->cloud, "Address of `edgecut serve`, HOST:PORT")->required();
  cmd->add_option("--source", a->source, "Video file, camera:N, or synthetic")->capture_default_str();
  cmd->add_option("--frames", a->frames, "Stop after N frames (0: the whole source)")->capture_default_str();
  cmd->add_option("--fps", a->fps, "Pace frames at this rate (a live source drops late frames)");
  cmd->add_flag("--loop", a->loop, "Restart a video file at its end");
  cmd->add_option("--algo", a->algo,
                  "qdmp, dads, dads-fixed, neurosurgeon, edge-only, cloud-only, or fixed:PLANS.json")
      ->capture_default_str();
  cmd->add_option("--name", a->name, "Model name on the server (default: the graph name)");
  cmd->add_option("--bandwidth", a->bandwidth, "Plan for this uplink bandwidth instead of the measured one");
  cmd->add_option("--range", a->range, "Bandwidths the plans cover, LO:HI")->capture_default_str();
  cmd->add_option("--hysteresis", a->hysteresis, "Switch plans only when the new one is this much faster")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "Engine threads on the edge")->capture_default_str();
  add_engine_options(cmd, &a->engine);
  cmd->add_option("--log", a->log, "Write one JSON line per frame to this file");
  cmd->add_option(
      "--annotate", a->annotate,
      "Draw the task's output (segments, faces, classes) and each frame's plan: OUT.avi / OUT.mp4 "
      "(a video) or a directory of PNG frames");
  cmd->add_option("--mode", a->mode,
                  "latency: one frame at a time; stream: pipelined edge / uplink / cloud stages, frames out "
                  "in order")
      ->check(CLI::IsMember({"latency", "stream"}))
      ->capture_default_str();
  cmd->add_option("--objective", a->objective,
                  "Plans minimise latency or throughput (the slowest stage); default: throughput with "
                  "--mode stream, else latency")
      ->check(CLI::IsMember({"latency", "throughput"}));
  cmd->add_option("--rebuild-shift", a->rebuild_shift,
                  "Re-plan when a side's correction drifts by this much (default 0.10; 0.25 with --mode "
                  "stream; a large value keeps the plans made at start)");
  cmd->add_option("--in-flight", a->in_flight, "--mode stream: cloud calls at once")->capture_default_str();
  cmd->add_option("--queue", a->queue, "--mode stream: frames waiting for a cloud call")
      ->capture_default_str();
  cmd->add_flag("--early-finish", a->early_finish,
                "Finish a frame here once its call has waited its predicted time plus the edge-only time "
                "(a link slower than predicted), instead of at the fault deadline");
  cmd->add_flag("--json", a->json, "Print the summary as JSON (frames go to stderr)");
  cmd->add_flag("-q,--quiet", a->quiet, "No line per frame");
  add_cost_options(cmd, &a->costs);
  add_encoding_options(cmd, &a->encodings);
  add_emulation_options(cmd, &a->emulation);
  add_client_security_options(cmd, &a->security);
  cmd->callback([a] { finish(run_run(*a)); });
}

}  // namespace edgecut::cli
