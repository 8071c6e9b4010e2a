// Plan files: the one writer and reader of the plan JSON contract, shared by
// `plan` (writer), `exec`, `run --algo fixed:FILE` and `export-tails` (readers):
//   {"model": name, "model_hash": h, "plans": [{"algo", "bandwidth_bps",
//    "edge_nodes": [ids], "edge_node_names": [..], "cut_values": [ids],
//    "cut_value_names": [..], "cut_encodings": [..], "cut_encoded_bytes": [..], "valid", "mispriced",
//    "claimed_ms", "predicted": {"edge_ms", "transfer_ms", "cloud_ms", "total_ms", ...}, "solve_us"}]}
// A file is bound to its model by the structure hash; the reader refuses a
// plan for another model, an id out of range, a node name that disagrees
// with the model, and an edge set that is not closed under predecessors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "partition/plan.h"

namespace edgecut::partition {

nlohmann::json plan_to_json(const Plan& p, const graph::Graph& g);
// {"model", "model_hash", "plans": [plan_to_json...]}
nlohmann::json plan_file_json(const graph::Graph& g, const nlohmann::json& plans);
Status write_plan_file(const std::string& path, const nlohmann::json& file);

// What a reader needs of a stored plan.
struct StoredPlan {
  std::string algo;
  double bandwidth_bps = 0;
  std::vector<NodeId> edge_nodes;  // ascending, unique, predecessor-closed
  // (cut tensor, encoding name) as planned; tensors not listed go as fp32.
  std::vector<std::pair<ValueId, std::string>> cut_encodings;
};

// Reads and validates every plan of `path` against `g`. Errors name the file
// and the plan index. O(file size + plans * (V + E)).
inline constexpr int64_t kMaxPlanFileBytes = int64_t{64} << 20;  // refused before reading
Expected<std::vector<StoredPlan>> read_plan_file(const std::string& path, const graph::Graph& g);
// The same checks on a plan file's text; `label` names it in errors (a path).
// Never crashes on any bytes (fuzz/plan_json_fuzz.cpp).
Expected<std::vector<StoredPlan>> parse_plan_text(const std::string& text, const std::string& label,
                                                  const graph::Graph& g);

// The engines that measured the profiles a plan file was made from (its
// "profile_engines": {"edge", "cloud"}, written by `plan` from the profiles'
// "engine"); empty for estimated times and files written before engines were
// recorded.
struct ProfileEngines {
  std::string edge, cloud;
};
Expected<ProfileEngines> read_profile_engines(const std::string& path);
// A warning for running such plans on `engine` (canonical name) when a side
// was profiled on another engine; empty when the predictions apply.
std::string engine_mismatch_warning(const ProfileEngines& e, const std::string& engine);

}  // namespace edgecut::partition
