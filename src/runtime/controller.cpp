// Controller: candidates and their rebuild (see controller.h). The choice and
// the corrections are in controller_choose.cpp.
#include "runtime/controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "graph/segment.h"
#include "partition/algorithms.h"
#include "partition/envelope.h"

namespace edgecut::runtime {

using graph::NodeId;
using Encodings = std::vector<std::pair<graph::ValueId, std::string>>;

const std::vector<std::string>& Controller::algorithm_names(bool throughput) {
  static const auto kLists = [] {
    std::array<std::vector<std::string>, 2> lists;
    for (int t = 0; t < 2; ++t) {
      for (const std::string& n : partition::algorithm_names(t ? partition::Objective::kThroughput
                                                               : partition::Objective::kLatency)) {
        if (n == "brute") continue;  // exponential: plan-time only
        lists[t].push_back(n == "throughput" ? "qdmp" : n);
      }
    }
    return lists;
  }();
  return kLists[throughput ? 1 : 0];
}

Expected<Controller> Controller::create(const graph::Graph& g, std::vector<double> edge_ms,
                                        std::vector<double> cloud_ms, const ControllerOptions& options,
                                        double rtt_ms) {
  if (!(options.min_bps > 0 && options.max_bps > options.min_bps)) {
    return error(Code::kInvalidArgument, "bandwidth range {}..{} bps is empty", options.min_bps,
                 options.max_bps);
  }
  const auto& names = algorithm_names(options.throughput);
  if (options.algo != "fixed" && std::find(names.begin(), names.end(), options.algo) == names.end()) {
    return error(Code::kInvalidArgument, "unknown algorithm '{}' for {} plans (one of: {}, fixed)",
                 options.algo, options.throughput ? "throughput" : "latency", fmt::join(names, ", "));
  }
  if (options.algo != "fixed" && options.grid_points < 2) {
    return error(Code::kInvalidArgument, "grid_points {} is under 2", options.grid_points);
  }
  EDGECUT_ASSIGN_OR_RETURN(partition::CostModel cm, partition::CostModel::create(g, edge_ms, cloud_ms));
  cm.encodings = options.encodings;  // prices the encodings plans name (describe)
  Controller c;
  c.g_ = &g;
  c.o_ = options;
  c.rtt_ms_ = rtt_ms;
  c.profile_ = std::make_shared<const partition::CostModel>(std::move(cm));
  if (options.algo == "qdmp" && !options.throughput) c.structure_ = partition::QdmpStructure::analyze(g);
  if (options.algo == "qdmp" && options.throughput)
    c.tstructure_ = partition::ThroughputStructure::analyze(g);
  EDGECUT_RETURN_IF_ERROR(c.rebuild());
  return c;
}

Candidate Controller::describe(std::vector<NodeId> edge, std::string origin, Encodings encodings) const {
  Candidate c;
  const std::vector<char> mask = graph::node_mask(*g_, edge);
  c.edge_nodes = graph::mask_nodes(mask);
  c.line = profile_->line(mask, encodings);
  c.origin = std::move(origin);
  c.edge_ms = partition::ms_from_ns(c.line.edge_ns);
  c.cloud_ms = partition::ms_from_ns(c.line.cloud_ns);
  c.up_bytes = std::llround(c.line.up_bytes);
  c.down_bytes = c.line.down_bytes;
  c.encodings = c.line.encodings;
  c.codec_ms = partition::ms_from_ns(c.line.codec_ns);
  c.raw_up_bytes = c.line.raw_up_bytes;
  if (o_.unavailable && c.edge_nodes.size() < g_->nodes.size()) {
    // The server cannot give its tail (runtime/server_view.h): edge-only instead, said once.
    if (std::string why = o_.unavailable(c); !why.empty()) {
      std::string d = fmt::format("{}, {} edge nodes: {}", c.origin, c.edge_nodes.size(), why);
      if (std::find(dropped_.begin(), dropped_.end(), d) == dropped_.end()) dropped_.push_back(std::move(d));
      return describe(graph::all_nodes(*g_), "edge-only");
    }
  }
  return c;
}

int Controller::Pending::add(Candidate c) {
  auto same = [&c](const Candidate& k) { return k.edge_nodes == c.edge_nodes && k.encodings == c.encodings; };
  int i = -1;
  if (auto it = std::find_if(known.begin(), known.end(), same); it != known.end()) {
    i = static_cast<int>(it - known.begin());
  } else if (auto jt = std::find_if(added.begin(), added.end(), same); jt != added.end()) {
    i = static_cast<int>(known.size() + (jt - added.begin()));
  } else {
    added.push_back(std::move(c));
    i = static_cast<int>(known.size() + added.size() - 1);
  }
  if (std::find(build.active.begin(), build.active.end(), i) == build.active.end()) build.active.push_back(i);
  return i;
}

Status Controller::rebuild() {
  Pending p{candidates_, {}, {}};
  p.build.at = k_;
  EDGECUT_RETURN_IF_ERROR(build_plans(&p));
  if (p.build.active.empty()) return error(Code::kInternal, "the {} build made no plan", o_.algo);
  // Success: only now does anything the frames see change.
  for (Candidate& c : p.added) candidates_.push_back(std::move(c));
  build_ = std::move(p.build);
  return Status::ok();
}

Status Controller::build_plans(Pending* out) const {
  const graph::Graph& g = *g_;
  if (o_.algo == "fixed") {
    for (size_t i = 0; i < o_.fixed_plans.size(); ++i) {
      out->add(describe(o_.fixed_plans[i], fmt::format("fixed#{}", i),
                        i < o_.fixed_encodings.size() ? o_.fixed_encodings[i] : Encodings{}));
    }
    if (out->build.active.empty()) return error(Code::kInvalidArgument, "no fixed plans given");
    return Status::ok();
  }
  EDGECUT_ASSIGN_OR_RETURN(partition::CostModel cm, profile_->scaled(out->build.at.fe, out->build.at.fc()));
  if (o_.algo != "qdmp") cm.encodings = nullptr;  // the baselines decide for fp32 as published
  partition::Network net;
  net.rtt_ms = rtt_ms_;
  net.uplink_bps = o_.min_bps;
  net.downlink_bps = o_.min_bps * o_.downlink_ratio;
  if (o_.algo == "qdmp" && o_.throughput) {
    partition::ThroughputSolver solver(cm, tstructure_);  // re-priced, not re-analysed
    auto env = partition::Envelope::build_throughput(solver, net, o_.min_bps, o_.max_bps);
    for (const auto& piece : env.pieces()) out->add(describe(piece.plan.edge_nodes, "throughput"));
    out->add(describe(graph::all_nodes(g), "edge-only"));  // sends nothing: no send cost (set_send_cost)
    return Status::ok();
  }
  if (o_.algo == "qdmp") {
    partition::Qdmp q(cm, structure_);  // re-priced, not re-analysed
    auto env = partition::Envelope::build(q, net, o_.min_bps, o_.max_bps);
    for (const auto& piece : env.pieces()) {
      Encodings enc;
      for (size_t k = 0; k < piece.plan.cut_values.size(); ++k) {
        enc.emplace_back(piece.plan.cut_values[k], piece.plan.cut_encodings[k]);
      }
      out->add(describe(piece.plan.edge_nodes, "qdmp", std::move(enc)));
    }
    return Status::ok();
  }
  return build_grid(cm, net, out);
}

Status Controller::build_grid(const partition::CostModel& cm, partition::Network net, Pending* out) const {
  const graph::Graph& g = *g_;
  const auto objective = o_.throughput ? partition::Objective::kThroughput : partition::Objective::kLatency;
  for (int i = 0; i < o_.grid_points; ++i) {
    const double bps = o_.min_bps * std::pow(o_.max_bps / o_.min_bps, i / double(o_.grid_points - 1));
    net.uplink_bps = bps;
    net.downlink_bps = bps * o_.downlink_ratio;
    EDGECUT_ASSIGN_OR_RETURN(partition::Plan p, partition::solve(o_.algo, cm, net, 24, objective));
    // Published DADS may put a node on the edge that reads a cloud tensor;
    // the runtime cannot run that, so the set is closed under predecessors.
    std::vector<char> mask = p.on_edge;
    const bool repaired = !cm.is_closed(mask);
    if (repaired) mask = graph::predecessor_closure(g, std::move(mask));
    Candidate c = describe(graph::mask_nodes(mask), fmt::format("{}@{:.3g}Mbps", o_.algo, bps / 1e6));
    c.repaired = repaired;
    out->build.grid_bps.push_back(bps);
    out->build.grid_plan.push_back(out->add(std::move(c)));
  }
  return Status::ok();
}

int Controller::find(const std::vector<NodeId>& edge_nodes, const Encodings& encodings) const {
  for (size_t i = 0; i < candidates_.size(); ++i) {
    if (candidates_[i].edge_nodes == edge_nodes && candidates_[i].encodings == encodings)
      return static_cast<int>(i);
  }
  return -1;
}

int Controller::find(const std::vector<NodeId>& edge_nodes) const {
  for (size_t i = 0; i < candidates_.size(); ++i) {
    if (candidates_[i].edge_nodes == edge_nodes) return static_cast<int>(i);
  }
  return -1;
}

double Controller::total_edge_ms() const {
  double t = 0;
  for (int64_t x : profile_->te_ns) t += partition::ms_from_ns(x);
  return t;
}

double Controller::total_cloud_ms() const {
  double t = 0;
  for (int64_t x : profile_->tc_ns) t += partition::ms_from_ns(x);
  return t;
}

}  // namespace edgecut::runtime
