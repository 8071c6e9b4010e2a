// Executor: what the profiler and the runtime need from an inference engine:
// prepare a segment of a model once, then run it many times.
//
// A segment is a set of graph nodes (typically predecessor-closed, a plan's
// head, or its complement, a tail, or a block between cut vertices). Its
// inputs are the activations it reads but does not produce (graph inputs or
// tensors that crossed a cut); its outputs are the activations it produces
// that are read outside it or are graph outputs (graph/segment.h). Declared
// here, below engine/ and profile/, so that the profiler and the runtime can
// drive any engine; engine/ implements it (OpenCV DNN first). Implementations cache prepared segments by
// content and must allow prepare() on one thread while run() goes on another.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/tensor.h"
#include "graph/segment.h"

namespace edgecut::exec {

using SegmentId = int32_t;

using graph::SegmentInfo;

class Executor {
 public:
  virtual ~Executor() = default;
  virtual std::string name() const = 0;  // "opencv-dnn"
  virtual int threads() const = 0;

  // Builds (or finds in the cache) the sub-model for `nodes`. Fails with the
  // node and reason when the engine cannot run it.
  virtual Expected<SegmentId> prepare(const std::vector<graph::NodeId>& nodes) = 0;
  virtual const SegmentInfo& info(SegmentId id) const = 0;

  // Runs a prepared segment. `inputs` must hold every info(id).inputs value by
  // name, with its dtype and shape; fills `outputs` in info(id).outputs order
  // with owned tensors. Inputs may be views (nothing is copied before the engine).
  virtual Status run(SegmentId id, const std::vector<Tensor>& inputs, std::vector<Tensor>* outputs) = 0;

  // The engine's own per-node times (ms) for the last run of `id`, indexed by
  // graph node id, 0 for nodes the engine fused away; kUnsupported if the
  // engine has no per-layer profile.
  virtual Expected<std::vector<double>> last_run_node_ms(SegmentId id) = 0;
};

}  // namespace edgecut::exec
