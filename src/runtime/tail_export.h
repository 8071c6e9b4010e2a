// Tails as a Triton model repository: REPO/<name>/config.pbtxt and
// REPO/<name>/1/model.onnx per tail and for the whole model, <name> = "<model>.tail.<digest>" as the
// edge asks for it (net/tail_name.h), so that an existing serving fleet
// (Triton with its ONNX Runtime backend, or any server that reads this layout)
// can take the cloud half when one `edgecut serve` is not enough.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "graph/onnx_import.h"
#include "graph/segment.h"
#include "runtime/tail_encoding.h"

namespace edgecut::runtime {

struct ExportedTail {
  std::string name;
  std::string dir;
  int inputs = 0, outputs = 0, nodes = 0;
};

// (cut tensor, encoding name) of one plan (partition/plan_io.h).
using PlanEncodings = std::vector<std::pair<graph::ValueId, std::string>>;

// The cloud side of one plan as a self-contained model: its name (the whole
// model's for an empty edge set, "<model>.tail.<digest>" otherwise, with
// ".enc-<encodings>" when inputs arrive encoded), the ONNX model, the inputs
// as Triton sees them and the graph outputs it returns.
struct TailModel {
  std::string name;
  onnx::ModelProto model;
  std::vector<TailInput> inputs;
  std::vector<graph::ValueId> outputs;
  std::string encodings;  // "tensor=enc,..." of the encoded inputs; "" none
  int nodes = 0;
};

// Builds the tail of `edge` (predecessor-closed; not every node). O(model).
// Fails naming the tail for an encoding ONNX cannot express.
Expected<TailModel> build_tail(const graph::Model& model, const std::string& model_name,
                               const std::vector<graph::NodeId>& edge, const PlanEncodings& encodings = {});

// Writes the whole model under `model_name` and one tail per distinct
// non-empty cloud side of `edge_sets`, each as NAME/config.pbtxt
// (runtime/triton_config.h) and NAME/1/model.onnx. With `encodings` (per edge
// set, may be shorter), a tail whose inputs arrive encoded takes the encoded
// bytes and decodes them as ONNX ops (runtime/tail_encoding.h). Returns the
// entries written, the whole model first. Fails naming the tail or the file
// that could not be written, or the encoding ONNX cannot express.
Expected<std::vector<ExportedTail>> export_tails(const graph::Model& model, const std::string& model_name,
                                                 const std::vector<std::vector<graph::NodeId>>& edge_sets,
                                                 const std::string& repo,
                                                 const std::vector<PlanEncodings>& encodings = {});

}  // namespace edgecut::runtime
