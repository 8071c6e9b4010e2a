#include "runtime/run_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

#include "common/hash.h"
#include "profile/stats.h"
#include "runtime/output_summary.h"

namespace edgecut::runtime {

using Clock = std::chrono::steady_clock;

std::string outputs_digest(const std::vector<exec::Tensor>& outputs) {
  Fnv1a h;
  for (const auto& t : outputs) h.update(t.data(), t.bytes());
  return h.hex();
}

namespace {

struct Tally {
  std::vector<double> latency, pred, err;
  RunSummary s;
  void add(const FrameLog& log) {
    ++s.frames;
    s.fallbacks += log.fallback;
    s.switches += log.switched;
    latency.push_back(log.total_ms);
    s.plans[fmt::format("{} ({} edge nodes)", log.origin, log.edge_nodes)]++;
    if (!log.fallback) {
      pred.push_back(log.pred.total_ms);
      err.push_back(std::fabs(log.total_ms - log.pred.total_ms) / std::max(log.total_ms, 1e-9) * 100);
    }
  }
  RunSummary finish(double seconds) {
    s.seconds = seconds;
    s.p50_ms = profile::quantile(latency, 0.5);
    s.p90_ms = profile::quantile(latency, 0.9);
    s.p99_ms = profile::quantile(latency, 0.99);
    auto mean = [](const std::vector<double>& v) {
      double t = 0;
      for (double x : v) t += x;
      return v.empty() ? 0 : t / static_cast<double>(v.size());
    };
    s.mean_ms = mean(latency);
    s.mean_pred_ms = mean(pred);
    s.mean_abs_err_pct = mean(err);
    return s;
  }
};

std::string frame_line(const FrameLog& log, const std::vector<exec::Tensor>& outs, const std::string& task) {
  std::string line = fmt::format(
      "frame {:4d} {:<16} edge {:3d} nodes, up {:8.1f} KB, {:7.1f} ms (pred {:7.1f}), est {:7.2f} Mbps",
      log.frame, log.origin, log.edge_nodes, log.up_bytes / 1e3, log.total_ms, log.pred.total_ms,
      log.est_bps / 1e6);
  if (log.switched) line += " SWITCH";
  if (log.fallback) line += fmt::format(" FALLBACK ({})", log.note);
  if (!task.empty()) {
    line += " | " + task;
  } else if (!outs.empty()) {
    line += " | " + summarise_output(outs[0]).line;
  }
  return line;
}

}  // namespace

Expected<RunSummary> run_frames(FrameSource& source, EdgeClient& client, const graph::Graph& g,
                                const RunOptions& options, std::ostream& out) {
  if (g.inputs.size() != 1) {
    return error(Code::kUnsupported, "model '{}' has {} inputs; `run` feeds one image input", g.name,
                 g.inputs.size());
  }
  std::ofstream log_file;
  if (!options.log_path.empty()) {
    log_file.open(options.log_path);
    if (!log_file) return error(Code::kIo, "{}: cannot write the frame log", options.log_path);
  }
  const graph::Value& input = g.values[g.inputs[0]];
  Tally tally;
  const auto start = Clock::now();
  int64_t index = 0;
  while (true) {
    EDGECUT_ASSIGN_OR_RETURN(std::optional<Frame> frame, source.next());
    if (!frame) break;
    if (options.fps > 0) {
      const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(index / options.fps));
      ++index;
      const auto now = Clock::now();
      if (source.live() && now > due + std::chrono::duration<double>(1.0 / options.fps)) {
        ++tally.s.dropped;
        continue;
      }
      if (now < due) std::this_thread::sleep_until(due);
    }
    EDGECUT_ASSIGN_OR_RETURN(exec::Tensor x, preprocess(frame->bgr, input, options.preprocess));
    FrameLog log;
    EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> outs, client.infer({x}, &log));
    tally.add(log);
    nlohmann::json j = nlohmann::json::object();
    std::string task;
    if (options.task) {
      EDGECUT_ASSIGN_OR_RETURN(task, options.task->frame(frame->bgr, outs, log, log_file ? &j : nullptr));
    }
    if (log_file) {
      j.update(log.to_json());
      j["outputs_digest"] = outputs_digest(outs);
      // Wall-clock time, so that logs line up with events in other processes.
      j["unix_s"] =
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
      log_file << j.dump() << "\n";
      log_file.flush();
    }
    if (options.print_frames) out << frame_line(log, outs, task) << "\n" << std::flush;
  }
  tally.s.skipped = source.skipped();
  return tally.finish(std::chrono::duration<double>(Clock::now() - start).count());
}

nlohmann::json RunSummary::to_json() const {
  return {{"frames", frames},
          {"fallbacks", fallbacks},
          {"dropped", dropped},
          {"skipped", skipped},
          {"switches", switches},
          {"seconds", seconds},
          {"p50_ms", p50_ms},
          {"p90_ms", p90_ms},
          {"p99_ms", p99_ms},
          {"mean_ms", mean_ms},
          {"mean_pred_ms", mean_pred_ms},
          {"mean_abs_err_pct", mean_abs_err_pct},
          {"plans", plans},
          {"stream", stream},
          {"fps", seconds > 0 ? frames / seconds : 0.0},
          {"bound_fps", bound_fps},
          {"ratio", ratio},
          {"edge_busy_s", edge_busy_s},
          {"up_busy_s", up_busy_s},
          {"cloud_busy_s", cloud_busy_s},
          {"max_window", max_window}};
}

std::string RunSummary::describe() const {
  std::string s = fmt::format(
      "{} frames in {:.1f} s ({:.2f} fps): latency p50 {:.1f} / p90 {:.1f} / p99 {:.1f} ms, mean {:.1f} ms "
      "vs "
      "predicted {:.1f} ms (mean |error| {:.1f}%); {} plan switch(es), {} finished on the edge after a cloud "
      "failure, {} dropped, {} undecodable\n",
      frames, seconds, seconds > 0 ? frames / seconds : 0, p50_ms, p90_ms, p99_ms, mean_ms, mean_pred_ms,
      mean_abs_err_pct, switches, fallbacks, dropped, skipped);
  if (stream) {
    s += fmt::format(
        "stream: {:.2f} frames/s; stage busy edge {:.2f} s, uplink {:.2f} s, cloud {:.2f} s -> bound "
        "1/max(stage) = {:.2f} frames/s; rate / bound = {:.1f}%; at most {} frames in the pipeline\n",
        fps, edge_busy_s, up_busy_s, cloud_busy_s, bound_fps, ratio * 100, max_window);
  }
  for (const auto& [plan, n] : plans) s += fmt::format("  {:6d} frames  {}\n", n, plan);
  return s;
}

}  // namespace edgecut::runtime
