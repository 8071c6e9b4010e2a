// Triton model configurations (config.pbtxt) of the models and tails edgecut
// exports and serves: built as the ModelConfig message of Triton's schema
// (net/proto/model_config.proto) and written with protobuf's text format, so
// what Triton reads is what the schema says, never hand-assembled text.
//
// A config describes its own model: `parameters` carry the structure hash of
// the whole model (kModelHashParam) and, for a tail, the whole model's name
// (kBaseModelParam), the edge-node set as compact ranges (kEdgeNodesParam)
// and the encodings its inputs take (kEncodingsParam, "tensor=enc,...").
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"
#include "net/proto/model_config.pb.h"
#include "runtime/tail_encoding.h"

namespace edgecut::runtime {

inline constexpr const char* kBaseModelParam = "edgecut_base_model";
inline constexpr const char* kEncodingsParam = "edgecut_encodings";
inline constexpr int64_t kMaxConfigBytes = int64_t{1} << 20;

// What a repository entry is, read back from its config's parameters.
struct ConfigInfo {
  std::string base_model;  // the whole model's name; empty for a whole model
  std::string model_hash;
  std::string edge_nodes;  // compact ranges; empty for a whole model
  std::string encodings;
};

// "TYPE_FP32" for a graph dtype; "TYPE_INVALID" for one Triton lacks.
const char* triton_type(graph::DType t);

// The config of a model (tail or whole) named `name` with these inputs (a
// rank-0 input travels as dims [1] reshaped to [], as Triton requires) and
// the graph outputs `outputs` of `g`. max_batch_size 0: dims are the full
// shapes, batch included, as the edge sends them.
inference::ModelConfig make_config(const std::string& name, const graph::Graph& g,
                                   const std::vector<TailInput>& inputs,
                                   const std::vector<graph::ValueId>& outputs, const ConfigInfo& info);

std::string config_text(const inference::ModelConfig& config);

// Parses config.pbtxt text against the schema; unknown fields and syntax
// errors fail (kParseError) naming `where`, the line and the column.
Expected<inference::ModelConfig> parse_config(const std::string& text, const std::string& where);
// Reads and parses `path` (at most kMaxConfigBytes).
Expected<inference::ModelConfig> read_config(const std::string& path);

ConfigInfo config_info(const inference::ModelConfig& config);

}  // namespace edgecut::runtime
