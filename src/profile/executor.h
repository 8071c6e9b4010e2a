// Executor: what the profiler (and later the runtime) needs from an inference
// engine — prepare a segment of a model once, then run it many times.
//
// A segment is a set of graph nodes (typically predecessor-closed, a plan's
// head, or its complement, a tail, or a block between cut vertices). Its
// inputs are the activations it reads but does not produce (graph inputs or
// tensors that crossed a cut); its outputs are the activations it produces
// that are read outside it or are graph outputs. Declared here, before the
// engine stage, so that profile/ can drive any engine; engine/ implements it
// (OpenCV DNN first). Implementations cache prepared segments by content and
// must allow prepare() on one thread while run() goes on another.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::profile {

// A dense float32 tensor fed to / returned by a segment, matched by value name.
struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
  int64_t bytes() const { return static_cast<int64_t>(data.size() * sizeof(float)); }
};

using SegmentId = int32_t;

struct SegmentInfo {
  std::vector<graph::NodeId> nodes;     // ascending
  std::vector<graph::ValueId> inputs;   // activations read from outside
  std::vector<graph::ValueId> outputs;  // activations needed outside, or graph outputs
};

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
  // name, with the right shape; fills `outputs` in info(id).outputs order.
  virtual Status run(SegmentId id, const std::vector<Tensor>& inputs, std::vector<Tensor>* outputs) = 0;

  // The engine's own per-node times (ms) for the last run of `id`, indexed by
  // graph node id, 0 for nodes the engine fused away; kUnsupported if the
  // engine has no per-layer profile.
  virtual Expected<std::vector<double>> last_run_node_ms(SegmentId id) = 0;
};

}  // namespace edgecut::profile
