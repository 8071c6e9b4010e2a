// Tail models on the wire: the cloud half of a plan is a model named
// "<model>.tail.<digest>", where the digest identifies the edge-node set. The
// edge asks a server to build it with RepositoryModelLoad, passing the set as
// the parameter "edge_nodes" (compact ranges, "0-17,19,21-30") and the model's
// structure hash as "model_hash", so a server never takes model bytes from a
// client and never builds a tail for a different model of the same name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::net {

inline constexpr const char* kEdgeNodesParam = "edge_nodes";
inline constexpr const char* kModelHashParam = "model_hash";

// 16 hex digits of FNV-1a over the ascending ids. Precondition: ascending, unique.
std::string edge_set_digest(const std::vector<graph::NodeId>& edge_nodes);
std::string tail_model_name(const std::string& model, const std::vector<graph::NodeId>& edge_nodes);

// Splits "<model>.tail.<digest>"; false when `name` is not a tail name.
bool parse_tail_name(const std::string& name, std::string* model, std::string* digest);

// "0-17,19" <-> ids. Parsing refuses ids outside [0, num_nodes), descending or
// repeated ids, and text over 1 MB, naming the offending piece.
std::string format_node_ranges(const std::vector<graph::NodeId>& ascending);
Expected<std::vector<graph::NodeId>> parse_node_ranges(const std::string& text, int num_nodes);

}  // namespace edgecut::net
