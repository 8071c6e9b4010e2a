// edgecut calibrate MODEL --source FILE|synthetic --frames N -o CAL.json
//   [--skip K] [--encodings LIST] [--all-tensors] [--edge-slowdown F] [--json]
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "cli/progress.h"
#include "codec/encoding.h"
#include "engine/engine.h"
#include "eval/calibrate.h"
#include "partition/plan_io.h"

namespace edgecut::cli {
namespace {

struct CalibrateArgs {
  std::string model;
  std::string source = "synthetic";
  int frames = 8;
  int skip = 0;
  std::string encodings;
  bool all_tensors = false;
  double edge_slowdown = 1;
  int threads = 1;
  std::string engine = engine::default_engine();
  std::string out;
  bool json = false;
  std::string verify;  // a plan file: measure each plan's end-to-end fidelity instead
};

// --verify PLANS.json: each plan's end-to-end fidelity on the frames given.
int verify(const CalibrateArgs& a, const graph::Model& model) {
  auto plans = partition::read_plan_file(a.verify, model.graph);
  if (!plans) return report_error("calibrate", plans.status());
  auto card = load_card_arg(a.model, model);
  if (!card) return report_error("calibrate", card.status());
  runtime::PreprocessOptions pre;
  if (card->preprocess) pre = runtime::options_from(*card->preprocess);
  auto frames = eval::calibration_frames(model, a.source, a.skip, a.frames, pre);
  if (!frames) return report_error("calibrate", frames.status());
  nlohmann::json out = nlohmann::json::array();
  if (!a.json) {
    fmt::print("{} plans of {} on frames {}..{} of {}\n", plans->size(), a.verify, a.skip,
               a.skip + a.frames - 1, a.source);
  }
  for (size_t i = 0; i < plans->size(); ++i) {
    const auto& p = (*plans)[i];
    auto f = eval::plan_fidelity(model, p.edge_nodes, p.cut_encodings, *frames, a.engine, *card);
    if (!f) return report_error("calibrate", f.status().with_context(fmt::format("plan {}", i)));
    std::string enc;
    for (const auto& [x, name] : p.cut_encodings) {
      enc += fmt::format("{}{}={}", enc.empty() ? "" : ",", model.graph.values[x].name, name);
    }
    out.push_back({{"plan", i},
                   {"algo", p.algo},
                   {"bandwidth_bps", p.bandwidth_bps},
                   {"edge_nodes", p.edge_nodes.size()},
                   {"encodings", enc},
                   {"max_rel_err", f->max_rel_err},
                   {"cosine", f->cosine},
                   {"top1", f->top1},
                   {"top5", f->top5},
                   {"task", f->task},
                   {"task_f1", f->task_f1},
                   {"task_min_f1", f->task_min_f1}});
    if (!a.json) {
      fmt::print(
          "  plan {:>2} {:>4} edge nodes  {} F1 {:.3f} (worst frame {:.3f})  top1 {:.3f} cosine {:.6f} max "
          "rel "
          "err {:.2e}  {}\n",
          i, p.edge_nodes.size(), f->task, f->task_f1, f->task_min_f1, f->top1, f->cosine, f->max_rel_err,
          enc.empty() ? "fp32" : enc);
    }
  }
  if (a.json) std::cout << out.dump() << "\n";
  return 0;
}

void print_table(const partition::Calibration& c, const graph::Graph& g) {
  fmt::print("{:<28} {:<11} {:>12} {:>7} {:>9} {:>9} {:>10} {:>9} {:>6} {:>6} {:>7} {:>7}\n", "tensor",
             "encoding", "bytes", "ratio", "enc ms", "dec ms", "max relerr", "cosine", "top1", "top5",
             "task F1", "min F1");
  for (const auto& t : c.tensors) {
    for (const auto& e : t.encodings) {
      fmt::print(
          "{:<28} {:<11} {:>12.0f} {:>7.3f} {:>9.3f} {:>9.3f} {:>10.2e} {:>9.6f} {:>6.3f} {:>6.3f} {:>7.3f} "
          "{:>7.3f}{}\n",
          g.values[t.value].name.substr(0, 28), e.name, e.bytes, e.bytes / static_cast<double>(t.fp32_bytes),
          e.encode_ns / 1e6, e.decode_ns / 1e6, e.fidelity.max_rel_err, e.fidelity.cosine, e.fidelity.top1,
          e.fidelity.top5, e.fidelity.task_f1, e.fidelity.task_min_f1,
          partition::FidelityBound{}.admits(e.fidelity) ? "" : "  (refused by default)");
    }
  }
}

int run(const CalibrateArgs& a) {
  auto model = load_model_arg(a.model);
  if (!model) return report_error("calibrate", model.status());
  if (!a.verify.empty()) return verify(a, *model);
  eval::CalibrateOptions o;
  o.source = a.source;
  o.frames = a.frames;
  o.skip = a.skip;
  o.all_tensors = a.all_tensors;
  o.edge_slowdown = a.edge_slowdown;
  o.threads = a.threads;
  o.engine = a.engine;
  auto card = load_card_arg(a.model, *model);
  if (!card) return report_error("calibrate", card.status());
  o.card = *card;
  if (!(a.edge_slowdown > 0))
    return report_error("calibrate", error(Code::kInvalidArgument, "--edge-slowdown must be > 0"));
  if (!a.encodings.empty()) {
    auto list = codec::parse_encoding_list(a.encodings);
    if (!list) return report_error("calibrate", list.status().with_context("--encodings"));
    for (const auto& e : *list) {
      if (e.base != codec::Base::kFp32 || e.pack != codec::Pack::kNone) o.encodings.push_back(e);
    }
  }
  Progress bar("calibrate", 1000, !a.json && stderr_is_tty());
  o.progress = [&bar](double f, const std::string& note) { bar.step(static_cast<int>(f * 1000), note); };
  auto cal = eval::calibrate(*model, o);
  bar.finish();
  if (!cal) return report_error("calibrate", cal.status());
  if (!a.out.empty()) {
    Status st = partition::write_calibration(a.out, *cal, model->graph);
    if (!st.is_ok()) return report_error("calibrate", st);
  }
  if (a.json) {
    std::cout << partition::calibration_to_json(*cal, model->graph).dump() << "\n";
    return 0;
  }
  fmt::print("model {}: {} tensors calibrated on {} frames of {}; task {} ({})\n", model->graph.name,
             cal->tensors.size(), cal->frames, cal->source, task::task_name(o.card->task.kind),
             o.card->source);
  print_table(*cal, model->graph);
  if (!a.out.empty()) fmt::print("calibration written to {}\n", a.out);
  return 0;
}

}  // namespace

void register_calibrate(CLI::App& app) {
  auto a = std::make_shared<CalibrateArgs>();
  CLI::App* sub = app.add_subcommand(
      "calibrate",
      "Measure each crossable tensor's encodings: size, encode/decode time, fidelity of the output");
  sub->add_option("model", a->model, kModelHelp)->required();
  sub->add_option("--source", a->source, "Frames: a video / image file, or synthetic")->capture_default_str();
  sub->add_option("--frames", a->frames, "Frames to calibrate on")->capture_default_str();
  sub->add_option("--skip", a->skip, "Frames of the source passed over first")->capture_default_str();
  sub->add_option("--encodings", a->encodings,
                  "Encodings to measure, e.g. fp16,int8,zstd,lz4,uint8,jpeg (default: all)");
  sub->add_flag("--all-tensors", a->all_tensors,
                "Every activation, not only the input and the cut vertices' outputs (slow)");
  sub->add_option("--edge-slowdown", a->edge_slowdown,
                  "Multiply measured encode times by this (the edge as emulated in its profile)")
      ->capture_default_str();
  sub->add_option("--threads", a->threads, "Engine threads")->capture_default_str();
  sub->add_option("--engine", a->engine, "Engine: ort (where built in) or opencv")->capture_default_str();
  sub->add_option("-o,--output", a->out, "Write the calibration JSON here (for plan / run --calibration)");
  sub->add_flag("--json", a->json, "Machine-readable output on stdout");
  sub->add_option("--verify", a->verify,
                  "Plan file: measure each plan's end-to-end fidelity (its encodings) on the frames instead "
                  "(use --skip to keep them apart from the calibration frames)");
  sub->callback([a] { finish(run(*a)); });
}

}  // namespace edgecut::cli
