// OpenCvExecutor: exec::Executor on OpenCV DNN 4.6 (CPU backend).
//
// prepare(nodes) builds the segment's ONNX sub-model (engine/submodel.h),
// cleans it for OpenCV's importer, serializes it and reads it with
// cv::dnn::readNetFromONNX from memory, then (by default) runs it once on
// zeros. Prepared segments are cached by content (engine/segment_cache.h).
//
// Threads: OpenCV's thread pool is process-global (cv::setNumThreads), so
// run() sets it to this executor's count when it differs (resetting it while
// another thread runs a forward would crash OpenCV). Two executors with
// different counts in one process therefore must not run concurrently.
//
// Memory: each prepared segment holds the weights of its nodes (in its Net);
// the cache is never evicted, so preparing many large segments of a big model
// costs that much memory: use one executor per batch of plans if needed.
//
// Concurrency: prepare() never blocks run() (engine/segment_cache.h). A
// cv::dnn::Net is not reentrant, so each segment has its own mutex:
// concurrent run()s of one segment are serialised, of different segments
// are not.
//
// Errors: OpenCV throws cv::Exception; nothing escapes this class. Import and
// first-run failures become kUnsupported statuses naming our node (OpenCV's
// messages name its layer "onnx_node!n<id>", mapped back to the graph node).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/segment_cache.h"
#include "engine/submodel.h"

namespace edgecut::engine {

class OpenCvExecutor final : public exec::Executor {
 public:
  // `model` must outlive the executor.
  OpenCvExecutor(const graph::Model& model, const EngineOptions& options);
  ~OpenCvExecutor() override;

  std::string name() const override { return "opencv-dnn"; }
  int threads() const override { return options_.threads; }

  // O(model size) to build the sub-model plus OpenCV's import; O(|nodes| log)
  // on a cache hit.
  Expected<exec::SegmentId> prepare(const std::vector<graph::NodeId>& nodes) override;
  // Precondition: `id` was returned by prepare() of this executor.
  const graph::SegmentInfo& info(exec::SegmentId id) const override;
  Status run(exec::SegmentId id, const std::vector<exec::Tensor>& inputs,
             std::vector<exec::Tensor>* outputs) override;
  // Per graph node ms from Net::getPerfProfile of the segment's last run;
  // OpenCV reports layers it fused into another as 0.
  Expected<std::vector<double>> last_run_node_ms(exec::SegmentId id) override;

  // The cleaned sub-model that OpenCV imported, rebuilt (not kept: a prepared
  // segment already holds its weights once, inside the cv::dnn::Net).
  Expected<std::string> serialized(exec::SegmentId id) const;

 private:
  struct Segment;
  Segment* get(exec::SegmentId id) const;
  Expected<std::unique_ptr<Segment>> build(const std::vector<graph::NodeId>& nodes) const;
  Status forward(Segment& s, const std::vector<exec::Tensor>& inputs, std::vector<exec::Tensor>* outputs,
                 bool first_run) const;
  // Turns OpenCV's exception text into a status naming the graph node.
  Status map_cv_error(const std::string& what, const char* stage) const;

  const graph::Model& model_;
  EngineOptions options_;
  SegmentCache<Segment> segments_;
};

}  // namespace edgecut::engine
