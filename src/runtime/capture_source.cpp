// Video files and cameras through OpenCV videoio.
#include <chrono>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <system_error>

#include "runtime/cv_guard.h"
#include "runtime/source.h"

namespace edgecut::runtime {

namespace {

// Backends normally deliver CV_8UC3 BGR (CAP_PROP_CONVERT_RGB), but a
// grey or BGRA stream, or a non-continuous view, is brought to that form so
// every consumer can rely on it.
Expected<cv::Mat> to_bgr8(const cv::Mat& m, const std::string& name) {
  if (m.depth() != CV_8U) {
    return error(Code::kUnsupported, "{}: frames of OpenCV depth {} (want 8-bit)", name, m.depth());
  }
  cv::Mat out;
  const Status st = guard_cv(name, Code::kUnsupported, [&] {
    if (m.channels() == 1) {
      cv::cvtColor(m, out, cv::COLOR_GRAY2BGR);
    } else if (m.channels() == 4) {
      cv::cvtColor(m, out, cv::COLOR_BGRA2BGR);
    } else {
      out = m.isContinuous() ? m : m.clone();
    }
  });
  EDGECUT_RETURN_IF_ERROR(st);
  if (out.type() != CV_8UC3) {
    return error(Code::kUnsupported, "{}: frames with {} channels", name, m.channels());
  }
  return out;
}

// Reads one frame; false on end of stream or a frame that did not decode.
// Some backends throw from read() on a corrupt packet: that is a failed frame too.
bool read_frame(cv::VideoCapture& cap, cv::Mat& m) {
  bool ok = false;
  const Status st = guard_cv("read", Code::kIo, [&] { ok = cap.read(m); });
  return st.is_ok() && ok && !m.empty();
}

class VideoFileSource final : public FrameSource {
 public:
  VideoFileSource(std::string path, bool loop) : path_(std::move(path)), loop_(loop) {}

  Status open() {
    bool opened = false;
    EDGECUT_RETURN_IF_ERROR(guard_cv(path_, Code::kUnsupported, [&] {
      opened = cap_.open(path_, cv::CAP_ANY);
      if (opened) {
        fps_ = cap_.get(cv::CAP_PROP_FPS);
        frame_count_ = cap_.get(cv::CAP_PROP_FRAME_COUNT);
      }
    }));
    if (!opened) {
      return error(Code::kUnsupported, "cannot open '{}' as a video: no OpenCV videoio backend reads it",
                   path_);
    }
    if (!(fps_ > 0) || fps_ > 1000) fps_ = 0;  // containers without a rate report 0 or garbage
    frames_since_open_ = 0;
    return Status::ok();
  }

  Expected<std::optional<Frame>> next() override {
    for (;;) {
      EDGECUT_ASSIGN_OR_RETURN(std::optional<cv::Mat> m, read_decodable());
      if (m) {
        ++frames_since_open_;
        EDGECUT_ASSIGN_OR_RETURN(cv::Mat bgr, to_bgr8(*m, path_));
        Frame f{std::move(bgr), index_, fps_ > 0 ? static_cast<double>(index_) / fps_ : 0.0};
        ++index_;
        return std::optional<Frame>(std::move(f));
      }
      // A file that gave nothing since it was opened would loop forever.
      if (!loop_ || frames_since_open_ == 0) return std::optional<Frame>();
      EDGECUT_RETURN_IF_ERROR(open().with_context("restarting loop"));
    }
  }

  const std::string& name() const override { return path_; }
  double fps() const override { return fps_; }
  bool live() const override { return false; }
  int64_t skipped() const override { return skipped_; }

 private:
  // The next frame that decodes, nullopt at the end. A read that fails but
  // moves the position forward (before the frame count, when known) was a
  // bad frame: skipped and counted. One that does not move it is the end.
  Expected<std::optional<cv::Mat>> read_decodable() {
    constexpr int kMaxConsecutiveBad = 64;  // a broken tail ends the stream, not the process
    for (int bad = 0; bad < kMaxConsecutiveBad; ++bad) {
      const double before = position();
      cv::Mat m;
      if (read_frame(cap_, m)) return std::optional<cv::Mat>(std::move(m));
      const double after = position();
      if (after <= before || (frame_count_ > 0 && after >= frame_count_)) return std::optional<cv::Mat>();
      ++skipped_;
    }
    return std::optional<cv::Mat>();
  }

  double position() {
    double pos = -1;
    (void)guard_cv(path_, Code::kIo, [&] { pos = cap_.get(cv::CAP_PROP_POS_FRAMES); });
    return pos;
  }

  std::string path_;
  bool loop_;
  cv::VideoCapture cap_;
  double fps_ = 0;
  double frame_count_ = 0;
  int64_t index_ = 0;
  int64_t frames_since_open_ = 0;
  int64_t skipped_ = 0;
};

class CameraSource final : public FrameSource {
 public:
  explicit CameraSource(int index) : index_(index), name_("camera:" + std::to_string(index)) {}

  Status open() {
    bool opened = false;
    EDGECUT_RETURN_IF_ERROR(guard_cv(name_, Code::kNotFound, [&] {
      opened = cap_.open(index_, cv::CAP_ANY);
      if (opened) fps_ = cap_.get(cv::CAP_PROP_FPS);
    }));
    if (!opened) {
      return error(Code::kNotFound, "cannot open {}: no such camera, or it is busy (/dev/video{})", name_,
                   index_);
    }
    if (!(fps_ > 0) || fps_ > 1000) fps_ = 0;
    start_ = std::chrono::steady_clock::now();
    return Status::ok();
  }

  // A camera blocks until its next frame; a failed read means the device
  // went away (unplugged, taken by another process), which is an error, not
  // the end of a stream.
  Expected<std::optional<Frame>> next() override {
    cv::Mat m;
    if (!read_frame(cap_, m)) return error(Code::kIo, "{}: the camera stopped delivering frames", name_);
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    EDGECUT_ASSIGN_OR_RETURN(cv::Mat bgr, to_bgr8(m, name_));
    return std::optional<Frame>(Frame{std::move(bgr), frames_++, t});
  }

  const std::string& name() const override { return name_; }
  double fps() const override { return fps_; }
  bool live() const override { return true; }

 private:
  int index_;
  std::string name_;
  cv::VideoCapture cap_;
  double fps_ = 0;
  int64_t frames_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

Expected<std::unique_ptr<FrameSource>> open_video_file(const std::string& path, bool loop) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  // Checked here because OpenCV only says "not opened", and a GStreamer
  // backend would read a missing path as a URI.
  if (!std::filesystem::exists(status)) {
    return error(Code::kNotFound, "video file '{}' does not exist", path);
  }
  if (std::filesystem::is_directory(status)) {
    return error(Code::kInvalidArgument, "video file '{}' is a directory", path);
  }
  auto src = std::make_unique<VideoFileSource>(path, loop);
  EDGECUT_RETURN_IF_ERROR(src->open());
  return std::unique_ptr<FrameSource>(std::move(src));
}

Expected<std::unique_ptr<FrameSource>> open_camera(int index) {
  if (index < 0) return error(Code::kInvalidArgument, "camera index {} is negative", index);
  auto src = std::make_unique<CameraSource>(index);
  EDGECUT_RETURN_IF_ERROR(src->open());
  return std::unique_ptr<FrameSource>(std::move(src));
}

}  // namespace edgecut::runtime
