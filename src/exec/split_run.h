// Split runs: a plan's head (edge nodes) then its tail (the rest) on one
// executor, tensors matched by value name. The runtime runs the two halves in
// two processes with the same pieces (pick / gather); `edgecut exec` and the
// tests run both here, and the result must equal the whole model's.
#pragma once

#include <vector>

#include "exec/executor.h"

namespace edgecut::exec {

// The tensor named `name` in `pool`, or nullptr. O(|pool|).
const Tensor* find_tensor(const std::vector<Tensor>& pool, const std::string& name);

// The tensors of `values` (by their graph names) from `pool`, in that order.
// Fails (kNotFound) naming the first missing one. Shares storage, no copies.
Expected<std::vector<Tensor>> pick(const graph::Graph& g, const std::vector<graph::ValueId>& values,
                                   const std::vector<Tensor>& pool);

// An engine's view of a segment's inputs: for each of `values`, the tensor of
// its name in `given`, checked against the graph's dtype and shape. Fails
// (kInvalidArgument) naming the model, the tensor, what was given and what
// the model expects. No copies. O(|values| x |given|).
Expected<std::vector<const Tensor*>> match_inputs(const graph::Graph& g,
                                                  const std::vector<graph::ValueId>& values,
                                                  const std::vector<Tensor>& given);

// Float32 tensors for `values`, N(0, 1) from a seeded generator, so runs
// compare across processes. Fails on a value that is not float32.
Expected<std::vector<Tensor>> random_tensors(const graph::Graph& g, const std::vector<graph::ValueId>& values,
                                             uint64_t seed);

// Inputs for running segment `nodes` on its own (profiling): random_tensors
// when every input is float32; otherwise (an int64 shape or index tensor that
// random numbers would make meaningless, as inside ViT's attention) the real
// values, from running the segment's ancestors on random graph inputs once.
// Fails when those ancestors include a node of the segment (a segment that
// is not convex). O(V + E) plus, for non-float inputs, one run of the
// ancestors (prepared on `ex`, so they stay in its cache).
Expected<std::vector<Tensor>> segment_inputs(Executor& ex, const graph::Graph& g,
                                             const std::vector<graph::NodeId>& nodes,
                                             const std::vector<graph::ValueId>& inputs, uint64_t seed);

// Zero tensors of each value's dtype and shape (engines' first run on
// prepare, which finds what the engine cannot run before a frame does).
Expected<std::vector<Tensor>> zero_tensors(const graph::Graph& g, const std::vector<graph::ValueId>& values);

// A plan prepared on an executor; -1 for an empty side.
struct SplitPlan {
  std::vector<graph::NodeId> edge_nodes;  // ascending
  SegmentId head = -1;
  SegmentId tail = -1;
};

// Prepares head and tail. Fails on an out-of-range id or an edge set that is
// not closed under predecessors (graph/segment.h), or when the engine cannot
// prepare a side (the status says which).
Expected<SplitPlan> prepare_split(Executor& ex, const graph::Graph& g, std::vector<graph::NodeId> edge_nodes);

struct SplitResult {
  std::vector<Tensor> outputs;  // graph outputs, in g.outputs order
  std::vector<Tensor> crossed;  // the tail's inputs (what a network would carry)
  double head_ms = 0, tail_ms = 0;
};

// Runs head then tail on `inputs` (the graph inputs, by name).
Expected<SplitResult> run_split(Executor& ex, const graph::Graph& g, const SplitPlan& plan,
                                const std::vector<Tensor>& inputs);

}  // namespace edgecut::exec
