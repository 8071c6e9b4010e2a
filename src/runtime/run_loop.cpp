#include "runtime/run_loop.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "runtime/output_summary.h"

namespace edgecut::runtime {

using Clock = std::chrono::steady_clock;

namespace {

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
  LogWriter writer;
  EDGECUT_RETURN_IF_ERROR(writer.open(options.log_path));
  const graph::Value& input = g.values[g.inputs[0]];
  SummaryBuilder summary;
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
        summary.count_dropped();
        continue;
      }
      if (now < due) std::this_thread::sleep_until(due);
    }
    EDGECUT_ASSIGN_OR_RETURN(exec::Tensor x, preprocess(frame->bgr, input, options.preprocess));
    FrameLog log;
    EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> outs, client.infer({x}, &log));
    summary.add(log);
    std::string task;
    if (options.task) {
      nlohmann::json j = nlohmann::json::object();
      EDGECUT_ASSIGN_OR_RETURN(task, options.task->frame(frame->bgr, outs, log, &j));
      if (j.contains("task")) log.task = j["task"];
    }
    writer.write(log, outs);
    if (options.print_frames) out << frame_line(log, outs, task) << "\n" << std::flush;
  }
  return summary.finish(std::chrono::duration<double>(Clock::now() - start).count(), source.skipped(), false);
}

}  // namespace edgecut::runtime
