// libFuzzer target: the plan JSON reader (partition::parse_plan_text, behind
// read_plan_file / `edgecut exec|run --algo fixed:FILE|export-tails`), checked
// against the seed model (fuzz_model.h). An accepted plan must name nodes in
// range, ascending, unique and closed under predecessors.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_model.h"
#include "graph/segment.h"
#include "partition/plan_io.h"

using namespace edgecut;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const graph::Graph& g = fuzz::seed_model().graph;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto plans = partition::parse_plan_text(text, "fuzz.json", g);
  if (!plans) return 0;
  for (const auto& p : *plans) {
    for (size_t k = 0; k < p.edge_nodes.size(); ++k) {
      if (p.edge_nodes[k] < 0 || p.edge_nodes[k] >= g.num_nodes()) std::abort();
      if (k > 0 && p.edge_nodes[k] <= p.edge_nodes[k - 1]) std::abort();
    }
    if (!graph::check_predecessor_closed(g, p.edge_nodes).is_ok()) std::abort();
  }
  return 0;
}
