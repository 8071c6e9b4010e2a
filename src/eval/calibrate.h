// Calibration of tensor encodings (`edgecut calibrate`): for every tensor that
// may cross a cut and every encoding, what it costs and what it does to the
// model's answer (docs/design.md, "Tensor encodings").
//
// For each calibrated tensor x (made by node u): the plan "u and its
// ancestors on the edge" is prepared once; per frame its head runs once, then
// x alone is encoded and decoded (every other crossing tensor stays fp32) and
// the tail runs on it. Its outputs are compared with the whole model's fp32
// outputs on the same frame: max relative error, cosine similarity, top-1 and
// top-5 agreement; and, through the model card's task (task/decode.h), the
// task's output against the whole model's (task/metrics.h: segments, faces,
// top-1), per frame: mean and minimum F1. A lossless coder after a base gives that base's tensor
// back bit for bit, so the tail runs once per base and lossless fp32 needs
// no run. Sizes are means over the frames, encode / decode times medians; encode
// times are multiplied by `edge_slowdown` (the edge as the profile emulated it).
//
// Cost: per tensor one prepare + frames x (head + bases x tail) engine runs.
// "boundaries" (default) calibrates the input and the outputs of every cut
// vertex (where a single tensor crosses); "all" every activation.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/encoding.h"
#include "common/status.h"
#include "exec/tensor.h"
#include "graph/onnx_import.h"
#include "partition/encodings.h"
#include "runtime/preprocess.h"
#include "task/decode.h"
#include "task/metrics.h"

namespace edgecut::eval {

struct CalibrateOptions {
  std::string source = "synthetic";  // runtime::make_source spec
  int frames = 8;
  int skip = 0;                            // frames passed over first (to hold out frames for evaluation)
  std::vector<codec::Encoding> encodings;  // empty: default_encodings()
  bool all_tensors = false;                // false: input + cut-vertex outputs
  std::string engine = "opencv";
  int threads = 1;
  double edge_slowdown = 1;
  std::function<void(double fraction, const std::string& note)> progress;  // may be empty
  std::optional<task::ModelCard> card;                                     // none: task::default_card(model)
  task::MatchOptions match;  // tolerances (input size filled in from the model)
};

// fp32+{zstd,lz4}, fp16 and int8 each alone and +{zstd,lz4}, uint8(+zstd,lz4)
// and jpeg at 50, 70, 90 (the last two only apply to an image input).
std::vector<codec::Encoding> default_encodings();

// The float32 model inputs for frames [skip, skip + frames) of `source`,
// preprocessed as the run loop does. Fails unless the model has one image input.
Expected<std::vector<exec::Tensor>> calibration_frames(const graph::Model& model, const std::string& source,
                                                       int skip, int frames,
                                                       const runtime::PreprocessOptions& pre = {});

// The codec's normalisation (uint8 / JPEG frames) for a card's preprocessing.
codec::ImageNorm image_norm(const std::optional<task::ModelCard>& card);

Expected<partition::Calibration> calibrate(const graph::Model& model, const CalibrateOptions& o);

// End-to-end fidelity of one plan: its head, every crossing tensor encoded as
// the plan says (fp32 when it names none), its tail, against the whole fp32
// model, over `frames` (frames not used for calibration, e.g. skip past them).
Expected<partition::Fidelity> plan_fidelity(
    const graph::Model& model, const std::vector<graph::NodeId>& edge_nodes,
    const std::vector<std::pair<graph::ValueId, std::string>>& encodings,
    const std::vector<exec::Tensor>& frames, const std::string& engine = "opencv",
    const std::optional<task::ModelCard>& card = std::nullopt);

// Fidelity of `y` against the reference `ref` (one frame's first output),
// accumulated over frames by merge().
struct FidelityAcc {
  double max_rel_err = 0, min_cosine = 1;
  int frames = 0, top1 = 0, top5 = 0;
  std::string task;
  int task_frames = 0;
  double f1_sum = 0, f1_min = 1;
  void add(std::span<const float> y, std::span<const float> ref);
  void add_task(const task::Match& m);
  partition::Fidelity result() const;
};

}  // namespace edgecut::eval
