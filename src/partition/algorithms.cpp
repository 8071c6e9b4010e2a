#include "partition/algorithms.h"

#include <chrono>

#include "partition/qdmp.h"
#include "partition/throughput.h"

namespace edgecut::partition {

const std::vector<std::string>& algorithm_names() {
  static const std::vector<std::string> kNames = {"qdmp",      "dads-fixed", "dads", "neurosurgeon",
                                                  "edge-only", "cloud-only", "brute"};
  return kNames;
}

namespace {

Status check_solve_args(const std::string& algo, const CostModel& cm, const Network& net, int brute_limit) {
  if (!(net.uplink_bps > 0) || !(net.down_bps() > 0)) {
    return error(Code::kInvalidArgument, "bandwidth must be positive, got {} bps", net.uplink_bps);
  }
  if (algo == "brute" && cm.num_nodes() > brute_limit) {
    return error(Code::kInvalidArgument, "brute force is limited to {} nodes; '{}' has {}", brute_limit,
                 cm.graph().name, cm.num_nodes());
  }
  return Status::ok();
}

}  // namespace

Expected<Plan> solve(const std::string& algo, const CostModel& cm, const Network& net, int brute_limit) {
  EDGECUT_RETURN_IF_ERROR(check_solve_args(algo, cm, net, brute_limit));
  auto t0 = std::chrono::steady_clock::now();
  Rates rates = cm.rates(net);
  Plan p;
  if (algo == "qdmp") {
    Qdmp q(cm);
    p = q.solve(net, rates);
  } else if (algo == "dads-fixed") {
    p = solve_dads(cm, net, rates, true);
  } else if (algo == "dads") {
    p = solve_dads(cm, net, rates, false);
  } else if (algo == "neurosurgeon") {
    p = solve_neurosurgeon(cm, net, rates);
  } else if (algo == "edge-only") {
    p = solve_edge_only(cm, net, rates);
  } else if (algo == "cloud-only") {
    p = solve_cloud_only(cm, net, rates);
  } else if (algo == "brute") {
    p = solve_brute(cm, net, rates);
  } else {
    std::string names;
    for (const auto& n : algorithm_names()) names += (names.empty() ? "" : ", ") + n;
    return error(Code::kInvalidArgument, "unknown algorithm '{}' (one of: {})", algo, names);
  }
  p.solve_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

const std::vector<std::string>& algorithm_names(Objective objective) {
  static const std::vector<std::string> kNames = {"throughput",   "dsh",       "dads-fixed", "dads",
                                                  "neurosurgeon", "edge-only", "cloud-only", "brute"};
  return objective == Objective::kLatency ? algorithm_names() : kNames;
}

Expected<Plan> solve(const std::string& algo, const CostModel& cm, const Network& net, int brute_limit,
                     Objective objective) {
  if (objective == Objective::kLatency) return solve(algo, cm, net, brute_limit);
  const bool own = algo == "throughput" || algo == "qdmp" || algo == "dsh" || algo == "brute";
  if (!own) {
    EDGECUT_ASSIGN_OR_RETURN(Plan p, solve(algo, cm, net, brute_limit));
    p.objective = Objective::kThroughput;
    p.claimed_ns = bottleneck_ns(p.predicted);
    return p;
  }
  EDGECUT_RETURN_IF_ERROR(check_solve_args(algo, cm, net, brute_limit));
  auto t0 = std::chrono::steady_clock::now();
  Rates rates = cm.rates(net);
  Plan p;
  if (algo == "dsh") {
    p = solve_dsh(cm, net, rates);
  } else if (algo == "brute") {
    p = solve_brute_throughput(cm, net, rates);
  } else {
    ThroughputSolver solver(cm);
    p = solver.solve(net, rates);
  }
  p.solve_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

}  // namespace edgecut::partition
