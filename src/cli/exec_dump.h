// `edgecut exec --dump DIR`: what a split run put on the wire and what it
// computed, as files that a client written in another language can replay
// against `edgecut serve` (tests/runtime/interop_test.py does).
//
// DIR/manifest.json:
//   {"model": graph name, "model_hash": structure hash,
//    "tail_model": "<model>.tail.<digest>" (net/tail_name.h; "" for an
//                  edge-only plan, which has no tail),
//    "edge_nodes": "0-17,19" (net::format_node_ranges),
//    "crossing": [{"name", "datatype" (v2 name), "shape", "file"}],  // the tail's inputs
//    "outputs":  [{"name", "datatype", "shape", "file"}]}            // graph outputs
// Each "file" is relative to DIR and holds the tensor's raw little-endian
// row-major bytes, no header. For a cloud-only plan the crossing tensors are
// the graph inputs, so the dump also replays the whole model.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "exec/split_run.h"

namespace edgecut::cli {

// Creates DIR when missing and writes the manifest and one file per tensor
// (overwriting earlier dumps of the same names). Fails (kIo) naming the file.
Status write_exec_dump(const std::string& dir, const graph::Graph& g,
                       const std::vector<graph::NodeId>& edge_nodes, const exec::SplitResult& result);

}  // namespace edgecut::cli
