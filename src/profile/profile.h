// Profile: how long each node of one model takes on one device.
//
// JSON, versioned (kFormat/kVersion). Written by `edgecut profile` (estimate
// or measured methods), read by `edgecut plan`. Bound to a model by its
// structure hash and node count; load_for() refuses a profile made for
// another model, naming both. Times in milliseconds, one per node id.
//
//   {"format": "edgecut-profile", "version": 1, "device": "edge", "method": "estimate",
//    "threads": 1, "engine": "ort", "engine_options": "threads=1 opt=all spinning=0", "model": "resnet50",
//    "model_hash": "…", "num_nodes": 122, "nodes": [{"id": 0, "name": "conv1", "op": "Conv", "ms": 1.25},
//    ...], "extra": {...optional measurement statistics...}}
// A node may also carry "head_ms" and "tail_ms" (all nodes or none): its
// cost on each side of a split, where the method measured the sides.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::profile {

inline constexpr const char* kFormat = "edgecut-profile";
inline constexpr int kVersion = 1;
inline constexpr int64_t kMaxProfileBytes = 64 << 20;

struct Profile {
  std::string device = "unknown";
  std::string method = "estimate";
  int threads = 1;
  // The engine that measured it ("ort", "opencv"; empty for estimates and
  // profiles written before engines were recorded) and its options
  // (engine::describe_options). A plan made from it runs on another engine
  // with a warning: the times do not transfer (ORT is ~2x OpenCV on CNNs).
  std::string engine;
  std::string engine_options;
  std::string model;
  std::string model_hash;
  std::vector<double> node_ms;  // per node id
  // Per node id, what the node costs in a head (edge side) and in a tail
  // (cloud side) when they differ from node_ms: the segment method's per-side
  // weights (derive_side_weights). Both empty, or both one per node.
  std::vector<double> head_ms, tail_ms;
  nlohmann::json extra = nlohmann::json::object();  // method-specific statistics
};

// Time from FLOPs: ms(v) = flops(v) / (gflops * 1e9) * 1e3 + overhead_us / 1e3.
Expected<Profile> estimate(const graph::Graph& g, const std::string& device, double gflops,
                           double overhead_us);

// Per-node costs for one side of a split: head_ms for the edge and tail_ms
// for the cloud where the profile has them. Without them (profiles written
// before per-side weights), a segment profile's node_ms carry the engine's
// per-run cost (extra.split_overhead_ms) twice: on the first node in
// topological order (every head's run pays it) and on the last (every tail's
// run). A side that holds the whole model runs once, so the edge drops it
// from the last node and the cloud from the first; then an edge-only or
// cloud-only plan costs the whole net. Other methods carry no such term:
// node_ms unchanged. O(n).
enum class Side { kEdge, kCloud };
std::vector<double> side_ms(const Profile& p, const graph::Graph& g, Side side);

nlohmann::json to_json(const Profile& p, const graph::Graph& g);
Status save(const Profile& p, const graph::Graph& g, const std::string& path);
// Reads and validates against g: format, version, hash, node count, names, times.
Expected<Profile> load_for(const std::string& path, const graph::Graph& g);
// The same checks on a profile's text; `label` names it in errors (a path).
// Never crashes on any bytes (fuzz/profile_json_fuzz.cpp).
Expected<Profile> parse_for(const std::string& text, const std::string& label, const graph::Graph& g);

}  // namespace edgecut::profile
