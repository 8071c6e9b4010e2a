// The plan JSON contract shared by `plan` (writer) and `exec` / runtime (readers):
//   {"model": name, "model_hash": h, "plans": [{"algo", "bandwidth_bps",
//    "edge_nodes": [ids], "edge_node_names": [..], "cut_values": [ids],
//    "cut_value_names": [..], "valid", "mispriced", "claimed_ms",
//    "predicted": {"edge_ms", "transfer_ms", "cloud_ms", "total_ms", ...}, "solve_us"}]}
#pragma once

#include <nlohmann/json.hpp>

#include "partition/plan.h"

namespace edgecut::cli {

nlohmann::json plan_to_json(const partition::Plan& p, const graph::Graph& g);

}  // namespace edgecut::cli
