// OrtExecutor: exec::Executor on ONNX Runtime 1.29's C++ API (CPU execution
// provider). Built only when CMake finds ORT (cmake/FindOnnxRuntime.cmake;
// scripts/setup.sh fetches it), and then registered as "ort", the default.
//
// prepare(nodes) cuts the segment's ONNX sub-model out of the model
// (engine/submodel.h, the same extraction as OpenCV's, without OpenCV's
// cleanups: ORT reads opset-13 Clip, Identity of weights, ...), serializes it
// and opens an Ort::Session on the bytes; by default it runs it once on zeros
// (errors at prepare, and a warm-up). Segments are cached by content (sorted
// node list), like OpenCvExecutor.
//
// Options (EngineOptions):
//   threads             intra-op threads of each session (inter-op 1, sequential).
//   ort_opt_level       graph optimisation level; default 99 (ORT_ENABLE_ALL).
//   ort_allow_spinning  default off.
// Measured on this project's 2-core machine (docs/design.md, "ONNX Runtime"):
// ENABLE_ALL is the fastest level (NCHWc conv kernels with fused Add / ReLU);
// at 2 threads spinning off was 20-40% faster while other processes ran and up
// to 35% slower on a quiet machine; the edge device shares its cores with
// capture and networking, so off is the default.
//
// Exactness (docs/design.md, "Exactness of splits"):
//   - A given split is deterministic: the same sub-models on the same inputs
//     give the same bits, in one process or across processes.
//   - At ENABLE_ALL a head + tail run equals the whole model within
//     kOrtSplitTolerance (max |diff| / max |whole output|): ORT fuses across
//     what becomes the cut in the whole model (Conv + Add into one NCHWc
//     kernel with its own summation order), and a split cannot.
//   - At ort_opt_level 0 ("exact mode", --ort-opt-level disable) no fusion
//     runs, and splits are bit-exact with the whole model
//     (tests/engine/ort_exactness_test.cpp on the torchvision exports;
//     exec_cli_test on zoo googlenet, whose BatchNorms are not folded).
//     Level 1 (basic) was bit-exact on the torchvision exports too (their BN
//     is folded at export), but it folds a BatchNormalization into its Conv,
//     so a cut between the two differs in the last bits (zoo models).
//
// Profiling: ORT fuses and renames nodes (resnet50's 175 become 58 NCHWc
// kernels at ENABLE_ALL), so last_run_node_ms() refuses (kUnsupported); the
// profiler's `segment` method times whole segments and works on ORT.
//
// Concurrency: prepare() never blocks run() (engine/segment_cache.h);
// Ort::Session::Run is thread-safe, so runs are not serialised.
// Errors: Ort::Exception never escapes; failures name the model and segment.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/segment_cache.h"

namespace edgecut::engine {

// Split vs whole at ENABLE_ALL, relative to the whole output's largest
// magnitude. Measured worst on 20 random plans per torchvision export
// (tests/engine/ort_exactness_test.cpp): resnet50 4.3e-6, mobilenet_v2
// 1.7e-6, googlenet 2.3e-7, densenet121 2.4e-7; 4-17 of 20 plans were
// bit-identical anyway. The whole model itself is 2.3e-5 from torch.
inline constexpr double kOrtSplitTolerance = 1e-5;

class OrtExecutor final : public exec::Executor {
 public:
  // `model` must outlive the executor.
  OrtExecutor(const graph::Model& model, const EngineOptions& options);
  ~OrtExecutor() override;

  std::string name() const override { return "ort"; }
  int threads() const override { return options_.threads; }

  // O(model size) to cut the sub-model plus ORT's session creation (graph
  // optimisation, weight pre-packing); O(|nodes| log) on a cache hit.
  Expected<exec::SegmentId> prepare(const std::vector<graph::NodeId>& nodes) override;
  const graph::SegmentInfo& info(exec::SegmentId id) const override;
  Status run(exec::SegmentId id, const std::vector<exec::Tensor>& inputs,
             std::vector<exec::Tensor>* outputs) override;
  // kUnsupported: ORT keeps no per-graph-node times after fusion.
  Expected<std::vector<double>> last_run_node_ms(exec::SegmentId id) override;

 private:
  struct Segment;
  Segment* get(exec::SegmentId id) const;
  Expected<std::unique_ptr<Segment>> build(const std::vector<graph::NodeId>& nodes) const;
  Status forward(Segment& s, const std::vector<exec::Tensor>& inputs, std::vector<exec::Tensor>* outputs,
                 bool first_run) const;

  const graph::Model& model_;
  EngineOptions options_;
  SegmentCache<Segment> segments_;
};

// Runs `model` (any self-contained ONNX model) once on ORT with the given
// inputs and returns the requested outputs (names must be values of the
// model; they are added as graph outputs where they are not). For shape
// resolution by execution (engine/ort/shape_probe.h). O(one run).
Expected<std::vector<exec::Tensor>> ort_run_model(const onnx::ModelProto& model,
                                                  const std::vector<exec::Tensor>& inputs,
                                                  const std::vector<std::string>& outputs,
                                                  const EngineOptions& options);

}  // namespace edgecut::engine
