// Encodings in the plan: what each crossing tensor may be sent as, and what
// that costs (docs/design.md, "Tensor encodings").
//
// Models the per-tensor price the cost model uses when a value x crosses from
// edge to cloud:
//   up(x) = min over allowed encodings e of encode_e(x) + bytes_e(x) / B + decode_e(x)
// with raw fp32 (bytes(x), no codec time) always allowed. The choice for one
// tensor does not depend on any other, so up(x) is still one number per tensor
// per bandwidth and the min-cut construction, qdmp's blocks and its exactness
// hold unchanged (CostModel::rates() applies it; every algorithm reads Rates).
//
// A calibration file (`edgecut calibrate`) measures each option; this header
// also holds its one reader and writer, bound to the model by structure hash:
//   {"kind": "edgecut-calibration", "model", "model_hash", "source", "frames",
//    "tensors": [{"value", "fp32_bytes", "encodings": [{"encoding", "mean_bytes",
//      "encode_ms", "decode_ms", "max_rel_err", "cosine", "top1", "top5"}]}]}
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::partition {

// Fidelity of the model's output when one tensor alone is encoded, against
// fp32, over the calibration frames.
struct Fidelity {
  double max_rel_err = 0;  // max |y - y_fp32| / max |y_fp32|, over frames
  double cosine = 1;       // min over frames of cos(y, y_fp32)
  double top1 = 1;         // share of frames whose top-1 class agrees
  double top5 = 1;         // share of frames whose top-5 sets agree
  // The task's own output (task/metrics.h) against the uncut fp32 model's:
  // mean and minimum over frames of the per-frame F1 (segments, face boxes;
  // top-1 agreement for classification). min_f1 == 1: every frame kept.
  std::string task;  // "line_segments", "face_boxes", "classification"; "" unmeasured
  double task_f1 = 1;
  double task_min_f1 = 1;
};

// --min-fidelity: every field that is set must hold. The default (no
// --min-fidelity) is the safe one: the task's output kept on every
// calibration frame (min_f1 = 1; for a calibration without task measures,
// top-1 kept on every frame).
struct FidelityBound {
  double top1 = 0;
  double top5 = 0;
  double cosine = -1;
  double max_rel_err = 1e300;
  double f1 = 0;      // mean task F1 over frames
  double min_f1 = 1;  // task F1 on the worst frame
  bool admits(const Fidelity& f) const {
    const double fmin = f.task.empty() ? (f.top1 >= 1 ? 1.0 : 0.0) : f.task_min_f1;
    const double fmean = f.task.empty() ? f.top1 : f.task_f1;
    return f.top1 >= top1 && f.top5 >= top5 && f.cosine >= cosine && f.max_rel_err <= max_rel_err &&
           fmean >= f1 && fmin >= min_f1;
  }
};
// "0.99" (top-1 agreement) or "top1=0.99,cosine=0.999,top5=1,max_rel_err=0.05,f1=0.9,min_f1=0.5";
// an explicit bound replaces the default (min_f1=1) unless it names min_f1.
Expected<FidelityBound> parse_fidelity_bound(const std::string& text);

struct EncodingOption {
  std::string name;       // a codec encoding name ("int8+zstd")
  double bytes = 0;       // mean payload bytes per frame
  int64_t encode_ns = 0;  // on the edge
  int64_t decode_ns = 0;  // on the cloud
  Fidelity fidelity;
};

// Per value id: the allowed options (empty: raw fp32 only).
struct EncodingTable {
  std::vector<std::vector<EncodingOption>> options;
  bool empty() const {
    for (const auto& o : options) {
      if (!o.empty()) return false;
    }
    return true;
  }
};

struct CalibratedTensor {
  graph::ValueId value = -1;
  int64_t fp32_bytes = 0;
  std::vector<EncodingOption> encodings;
};

struct Calibration {
  std::string model;
  std::string model_hash;
  std::string source;
  int frames = 0;
  std::vector<CalibratedTensor> tensors;
};

nlohmann::json calibration_to_json(const Calibration& c, const graph::Graph& g);
Status write_calibration(const std::string& path, const Calibration& c, const graph::Graph& g);
// Refuses a file over kMaxCalibrationBytes, a file for another model
// (structure hash), unknown tensor names, and negative / non-finite numbers;
// errors name the file and the field.
inline constexpr int64_t kMaxCalibrationBytes = int64_t{64} << 20;
Expected<Calibration> read_calibration(const std::string& path, const graph::Graph& g);
// The same on a file's text; `path` names it in errors (fuzz/calibration_json_fuzz.cpp).
Expected<Calibration> parse_calibration_text(const std::string& text, const std::string& path,
                                             const graph::Graph& g);

// The options of `cal` whose encoding is in `allowed` (names; empty: all)
// and whose fidelity meets `bound`. fp32 needs no entry: it is the fallback.
EncodingTable make_table(const Calibration& cal, const graph::Graph& g,
                         const std::vector<std::string>& allowed, const FidelityBound& bound);

}  // namespace edgecut::partition
