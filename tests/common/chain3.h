// Test helper, header-only: the three-node chain on which published DADS (no
// precedence arcs) goes edge -> cloud -> edge. input -> a -> b -> c -> output,
// tiny tensors; the tests make a and c much faster on the edge and b much
// faster in the cloud, so the cut puts a and c on the edge and b in the cloud,
// paying only a->b and never b->c (tests/partition/dads_mispricing_test.cpp,
// tests/runtime/controller_decisions_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include "graph/graph.h"

namespace edgecut::testing {

inline graph::Graph chain3() {
  graph::Graph g;
  g.name = "chain3";
  auto value = [&g](const char* name, int64_t bytes) {
    graph::Value v;
    v.name = name;
    v.dtype = graph::DType::kFloat;
    v.bytes = bytes;
    v.shape = {bytes / 4};
    g.values.push_back(v);
    return static_cast<graph::ValueId>(g.values.size() - 1);
  };
  auto in = value("input", 4000), x1 = value("x1", 4000), x2 = value("x2", 4000), out = value("output", 40);
  g.inputs = {in};
  g.outputs = {out};
  g.nodes = {{"a", "Op", {in}, {x1}}, {"b", "Op", {x1}, {x2}}, {"c", "Op", {x2}, {out}}};
  EXPECT_TRUE(g.finalize().is_ok());
  return g;
}

}  // namespace edgecut::testing
