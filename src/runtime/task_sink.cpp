#include "runtime/task_sink.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "runtime/cv_guard.h"
#include "task/annotate.h"

namespace edgecut::runtime {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_video(const std::string& path) { return ends_with(path, ".avi") || ends_with(path, ".mp4"); }

}  // namespace

Expected<std::unique_ptr<TaskSink>> TaskSink::make(task::Decoder decoder, const std::string& annotate,
                                                   double fps) {
  std::unique_ptr<TaskSink> s(new TaskSink(std::move(decoder), annotate, fps > 0 ? fps : 10));
  if (!annotate.empty() && !is_video(annotate)) {
    std::error_code ec;
    std::filesystem::create_directories(annotate, ec);
    if (ec) return error(Code::kIo, "--annotate {}: cannot create the directory: {}", annotate, ec.message());
  }
  return s;
}

Status TaskSink::write(const cv::Mat& drawn) {
  if (!is_video(annotate_)) {
    const std::string path = fmt::format("{}/frame_{:05d}.png", annotate_, annotated_);
    bool ok = false;
    EDGECUT_RETURN_IF_ERROR(guard_cv("write " + path, Code::kIo, [&] { ok = cv::imwrite(path, drawn); }));
    if (!ok) return error(Code::kIo, "--annotate: cannot write {}", path);
    ++annotated_;
    return Status::ok();
  }
  if (!video_.isOpened()) {
    const int fourcc = ends_with(annotate_, ".mp4") ? cv::VideoWriter::fourcc('m', 'p', '4', 'v')
                                                    : cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
    EDGECUT_RETURN_IF_ERROR(guard_cv("open " + annotate_, Code::kIo,
                                     [&] { video_.open(annotate_, fourcc, fps_, drawn.size()); }));
    if (!video_.isOpened()) return error(Code::kIo, "--annotate: cannot write the video {}", annotate_);
  }
  EDGECUT_RETURN_IF_ERROR(guard_cv("write " + annotate_, Code::kIo, [&] { video_.write(drawn); }));
  ++annotated_;
  return Status::ok();
}

Expected<std::string> TaskSink::frame(const cv::Mat& bgr, const std::vector<exec::Tensor>& outs,
                                      const FrameLog& log, nlohmann::json* log_line) {
  EDGECUT_ASSIGN_OR_RETURN(task::TaskOutput o, decoder_.decode(outs));
  if (log_line) (*log_line)["task"] = task::output_to_json(o);
  if (!annotate_.empty()) {
    cv::Mat drawn = bgr.clone();
    task::annotate(drawn, o, frame_caption(log));
    EDGECUT_RETURN_IF_ERROR(write(drawn));
  }
  return describe_task_output(o);
}

std::vector<std::string> frame_caption(const FrameLog& log) {
  std::string enc;
  for (const auto& e : log.encodings) enc += (enc.empty() ? "" : ",") + e;
  return {fmt::format("frame {}  plan {} ({} edge nodes){}", log.frame, log.origin, log.edge_nodes,
                      enc.empty() ? "" : "  sends " + enc),
          fmt::format("up {:.1f} KB  {:.1f} ms (pred {:.1f})  est {:.2f} Mbps{}", log.up_bytes / 1e3,
                      log.total_ms, log.pred.total_ms, log.est_bps / 1e6, log.fallback ? "  FALLBACK" : "")};
}

std::string describe_task_output(const task::TaskOutput& o) {
  switch (o.kind) {
    case task::TaskKind::kLineSegments:
      return fmt::format("{} segments", o.segments.size());
    case task::TaskKind::kFaceBoxes: {
      std::string s = fmt::format("{} faces", o.faces.size());
      for (size_t i = 0; i < o.faces.size() && i < 4; ++i) {
        s += fmt::format("{}{:.2f}", i ? ", " : " (", o.faces[i].score);
      }
      return o.faces.empty() ? s : s + ")";
    }
    case task::TaskKind::kClassification: {
      if (o.classes.empty()) return "no classes";
      std::string s = fmt::format("top-{}", std::min<size_t>(o.classes.size(), 5));
      for (size_t i = 0; i < o.classes.size() && i < 5; ++i) {
        s += fmt::format("{} {} ({:.3f})", i ? "," : "", o.classes[i].cls, o.classes[i].score);
      }
      return s;
    }
    case task::TaskKind::kNone:
      break;
  }
  return "";
}

}  // namespace edgecut::runtime
