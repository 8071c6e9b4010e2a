// Frame sources: where the edge loop's frames come from.
//
// Models a stream of BGR frames (OpenCV's native order) from a video file, a
// camera, or a built-in synthetic pattern that needs no file. A source is
// live when frames arrive in real time whether or not they are read (a
// camera: a slow consumer drops frames); a file or the synthetic pattern is
// read as fast as the consumer asks.
//
// OpenCV exceptions never escape: every failure is a Status naming the file
// or camera. One thread owns a source; none of them lock.
#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <string>

#include "common/status.h"

namespace edgecut::runtime {

struct Frame {
  cv::Mat bgr;        // CV_8UC3, continuous
  int64_t index = 0;  // 0-based count of frames this source has returned
  double time_s = 0;  // stream time: index / fps for files and synthetic, seconds since open for cameras
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The next frame; nullopt at the end of the stream; an error when the
  // source breaks (a camera that stops delivering, a file that vanishes).
  virtual Expected<std::optional<Frame>> next() = 0;
  // What the source was opened from ("vtest.avi", "camera:0", "synthetic").
  virtual const std::string& name() const = 0;
  // Nominal frames per second; 0 when unknown.
  virtual double fps() const = 0;
  virtual bool live() const = 0;
  // Frames that failed to decode and were passed over.
  virtual int64_t skipped() const { return 0; }
};

struct SourceOptions {
  int64_t max_frames = 0;  // stop after this many frames (--frames N); 0: no limit
  bool loop = false;       // restart a file at its end (ignored for camera and synthetic)
};

// A video file (any container / codec OpenCV's videoio reads, a still image
// too). kNotFound when the file does not exist; kUnsupported when no backend
// can read it. A frame that fails to decode mid-stream is skipped and counted.
Expected<std::unique_ptr<FrameSource>> open_video_file(const std::string& path, bool loop);

// Camera N through videoio (V4L2 on Linux). Live.
Expected<std::unique_ptr<FrameSource>> open_camera(int index);

// A deterministic moving pattern (640x480 by default, 30 fps nominal): the
// same index gives the same bytes on every machine. Endless.
std::unique_ptr<FrameSource> make_synthetic(int width = 640, int height = 480);

// Pixels of synthetic frame `index`, the pattern make_synthetic() streams.
cv::Mat synthetic_frame(int64_t index, int width = 640, int height = 480);

// "synthetic", "camera:N", or a file path; options.max_frames wraps any of them.
Expected<std::unique_ptr<FrameSource>> make_source(const std::string& spec,
                                                   const SourceOptions& options = {});

}  // namespace edgecut::runtime
