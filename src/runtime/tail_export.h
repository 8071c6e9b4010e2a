// Tails as a Triton-style model repository: REPO/<name>/config.pbtxt and
// REPO/<name>/1/model.onnx per tail, <name> = "<model>.tail.<digest>" as the
// edge asks for it (net/tail_name.h), so that an existing serving fleet
// (Triton with its ONNX Runtime backend, or any server that reads this layout)
// can take the cloud half when one `edgecut serve` is not enough.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "graph/onnx_import.h"
#include "graph/segment.h"

namespace edgecut::runtime {

struct ExportedTail {
  std::string name;
  std::string dir;
  int inputs = 0, outputs = 0, nodes = 0;
};

// (cut tensor, encoding name) of one plan (partition/plan_io.h).
using PlanEncodings = std::vector<std::pair<graph::ValueId, std::string>>;

// Writes one tail per distinct non-empty cloud side of `edge_sets` (an empty
// edge set exports the whole model under `model_name`). With `encodings`
// (per edge set, may be shorter), a tail whose inputs arrive encoded takes the
// encoded bytes and decodes them as ONNX ops (runtime/tail_encoding.h); its
// name gets ".enc-<encodings>" appended. Fails naming the tail or the file
// that could not be written, or the encoding ONNX cannot express.
Expected<std::vector<ExportedTail>> export_tails(const graph::Model& model, const std::string& model_name,
                                                 const std::vector<std::vector<graph::NodeId>>& edge_sets,
                                                 const std::string& repo,
                                                 const std::vector<PlanEncodings>& encodings = {});

// The config.pbtxt text of a tail (Triton model configuration, text format).
std::string triton_config(const std::string& name, const graph::Graph& g, const graph::SegmentInfo& tail,
                          const std::vector<graph::ValueId>& outputs);

}  // namespace edgecut::runtime
