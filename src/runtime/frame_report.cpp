#include "runtime/frame_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/hash.h"
#include "profile/stats.h"

namespace edgecut::runtime {

std::string plan_label(const FrameLog& log) {
  return fmt::format("{} ({} edge nodes)", log.origin, log.edge_nodes);
}

double union_length(std::vector<std::pair<double, double>> intervals) {
  std::sort(intervals.begin(), intervals.end());
  double total = 0, a = 0, b = -1;
  for (auto [x, y] : intervals) {
    if (x > b) {
      total += std::max(0.0, b - a);
      a = x, b = y;
    } else {
      b = std::max(b, y);
    }
  }
  return total + std::max(0.0, b - a);
}

void SummaryBuilder::add(const FrameLog& log) {
  ++s_.frames;
  s_.fallbacks += log.fallback;
  s_.switches += log.switched;
  s_.plans[plan_label(log)]++;
  latency_.push_back(log.total_ms);
  if (!log.fallback) {
    pred_.push_back(log.pred.total_ms);
    err_.push_back(std::fabs(log.total_ms - log.pred.total_ms) / std::max(log.total_ms, 1e-9) * 100);
  }
  if (log.stream) {
    edge_busy_s_ += log.stream->edge_stage_ms / 1e3;
    if (!log.fallback && log.up_bytes > 0) {
      cloud_busy_s_ += log.compute_ms / 1e3;
      const double a = log.stream->up_start_s;
      uploads_.emplace_back(a, a + std::max(0.0, log.up_ms) / 1e3);
    }
  }
}

namespace {
double mean(const std::vector<double>& v) {
  double t = 0;
  for (double x : v) t += x;
  return v.empty() ? 0 : t / static_cast<double>(v.size());
}
}  // namespace

RunSummary SummaryBuilder::finish(double seconds, int64_t skipped, bool stream, int max_window) {
  RunSummary s = s_;
  s.skipped = skipped;
  s.seconds = seconds;
  s.p50_ms = profile::quantile(latency_, 0.5);
  s.p90_ms = profile::quantile(latency_, 0.9);
  s.p99_ms = profile::quantile(latency_, 0.99);
  s.mean_ms = mean(latency_);
  s.mean_pred_ms = mean(pred_);
  s.mean_abs_err_pct = mean(err_);
  s.fps = seconds > 0 ? static_cast<double>(s.frames) / seconds : 0;
  if (stream) {
    s.stream = true;
    s.max_window = max_window;
    s.edge_busy_s = edge_busy_s_;
    s.up_busy_s = union_length(uploads_);  // the time the link carried a frame
    s.cloud_busy_s = cloud_busy_s_;
    const double busiest = std::max({s.edge_busy_s, s.up_busy_s, s.cloud_busy_s});
    s.bound_fps = busiest > 0 ? static_cast<double>(s.frames) / busiest : 0;
    s.ratio = s.bound_fps > 0 ? s.fps / s.bound_fps : 0;
  }
  return s;
}

std::string outputs_digest(const std::vector<exec::Tensor>& outputs) {
  Fnv1a h;
  for (const auto& t : outputs) h.update(t.data(), t.bytes());
  return h.hex();
}

Status LogWriter::open(const std::string& path) {
  if (path.empty()) return Status::ok();
  f_.open(path);
  if (!f_) return error(Code::kIo, "{}: cannot write the frame log", path);
  return Status::ok();
}

void LogWriter::write(FrameLog& log, const std::vector<exec::Tensor>& outputs) {
  if (!f_.is_open()) return;
  log.outputs_digest = outputs_digest(outputs);
  log.unix_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  f_ << log.to_json().dump() << "\n";
  f_.flush();
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
          {"fps", fps},
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
      "vs predicted {:.1f} ms (mean |error| {:.1f}%); {} plan switch(es), {} finished on the edge after a "
      "cloud failure, {} dropped, {} undecodable\n",
      frames, seconds, fps, p50_ms, p90_ms, p99_ms, mean_ms, mean_pred_ms, mean_abs_err_pct, switches,
      fallbacks, dropped, skipped);
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
