// What `run` does with each frame's outputs when the model has a task (its
// card, task/model_card.h): decode them (task/decode.h) into a line for the
// terminal and the frame log, and with --annotate draw them and the frame's
// plan on the frame: a video (OUT ending .avi, MJPG, or .mp4) or one PNG per
// frame in the directory OUT. O(outputs + frame pixels) per frame.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <opencv2/videoio.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/edge_client.h"
#include "task/decode.h"

namespace edgecut::runtime {

class TaskSink {
 public:
  // `annotate` "" draws nothing. Fails when OUT cannot be created.
  static Expected<std::unique_ptr<TaskSink>> make(task::Decoder decoder, const std::string& annotate,
                                                  double fps);

  // Decodes `outs`; adds "task" to `log_line` (when given) and draws the frame.
  // Returns the terminal summary ("37 segments", "2 faces (0.93, 0.81)").
  Expected<std::string> frame(const cv::Mat& bgr, const std::vector<exec::Tensor>& outs, const FrameLog& log,
                              nlohmann::json* log_line);
  int64_t annotated() const { return annotated_; }
  const std::string& annotate_path() const { return annotate_; }

 private:
  TaskSink(task::Decoder d, std::string annotate, double fps)
      : decoder_(std::move(d)), annotate_(std::move(annotate)), fps_(fps) {}
  Status write(const cv::Mat& drawn);

  task::Decoder decoder_;
  std::string annotate_;
  double fps_ = 10;
  cv::VideoWriter video_;
  int64_t annotated_ = 0;
};

// The caption drawn on an annotated frame: its plan, bytes, latency.
std::vector<std::string> frame_caption(const FrameLog& log);
// "37 segments" / "2 faces (0.93, 0.81)" / "top-1 281 (0.41)".
std::string describe_task_output(const task::TaskOutput& o);

}  // namespace edgecut::runtime
