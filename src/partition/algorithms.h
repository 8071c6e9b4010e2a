// The partition algorithms, each returning a Plan priced by the oracle.
//
//   brute         every predecessor-closed edge set (the oracle; small graphs)
//   neurosurgeon  best split among prefixes of the topological order (as published)
//   dads          whole-graph min-cut as published: no precedence arcs; may return a
//                 plan that sends data cloud->edge and mis-prices it (Plan says so)
//   dads-fixed    whole-graph min-cut with precedence arcs: exact
//   qdmp          cut vertices + per-block min-cut with pruning: exact (see qdmp.h)
//   edge-only, cloud-only
#pragma once

#include <string>
#include <vector>

#include "graph/structure.h"
#include "partition/plan.h"

namespace edgecut::partition {

const std::vector<std::string>& algorithm_names();

// Runs `algo` from scratch (structure included) and records solve_us.
// Unknown names and brute force on graphs over `brute_limit` nodes are errors.
Expected<Plan> solve(const std::string& algo, const CostModel& cm, const Network& net, int brute_limit = 24);

// The same for an objective. kThroughput: "throughput" (alias "qdmp": the
// exact bottleneck solver of throughput.h), "dsh", "brute" (every closed set by
// bottleneck); the latency algorithms' plans are re-scored by their bottleneck
// (claimed = bottleneck_ns(predicted)).
Expected<Plan> solve(const std::string& algo, const CostModel& cm, const Network& net, int brute_limit,
                     Objective objective);
const std::vector<std::string>& algorithm_names(Objective objective);

Plan solve_brute(const CostModel& cm, const Network& net, const Rates& rates);
Plan solve_neurosurgeon(const CostModel& cm, const Network& net, const Rates& rates);
// precedence = false: published DADS; true: dads-fixed.
Plan solve_dads(const CostModel& cm, const Network& net, const Rates& rates, bool precedence);
// The same on the extended DAG analysed before (graph::analyze(cm.graph())).
Plan solve_dads(const CostModel& cm, const Network& net, const Rates& rates, bool precedence,
                const graph::Structure& st);
Plan solve_edge_only(const CostModel& cm, const Network& net, const Rates& rates);
Plan solve_cloud_only(const CostModel& cm, const Network& net, const Rates& rates);

}  // namespace edgecut::partition
