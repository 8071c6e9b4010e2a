#include "runtime/controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "graph/segment.h"
#include "partition/algorithms.h"
#include "partition/envelope.h"

namespace edgecut::runtime {

using graph::NodeId;

Expected<Controller> Controller::create(const graph::Graph& g, std::vector<double> edge_ms,
                                        std::vector<double> cloud_ms, const ControllerOptions& options,
                                        double rtt_ms) {
  if (!(options.min_bps > 0 && options.max_bps > options.min_bps)) {
    return error(Code::kInvalidArgument, "bandwidth range {}..{} bps is empty", options.min_bps,
                 options.max_bps);
  }
  Controller c;
  c.g_ = &g;
  c.te_ = std::move(edge_ms);
  c.tc_ = std::move(cloud_ms);
  c.o_ = options;
  c.rtt_ms_ = rtt_ms;
  EDGECUT_RETURN_IF_ERROR(c.rebuild());
  return c;
}

Candidate Controller::describe(std::vector<NodeId> edge, std::string origin,
                               std::vector<std::pair<graph::ValueId, std::string>> encodings) const {
  const graph::Graph& g = *g_;
  Candidate c;
  std::vector<char> mask = graph::node_mask(g, edge);
  c.edge_nodes = graph::mask_nodes(mask);
  for (NodeId v = 0; v < g.num_nodes(); ++v) (mask[v] ? c.edge_ms : c.cloud_ms) += mask[v] ? te_[v] : tc_[v];
  for (graph::ValueId x : graph::crossings(g, mask).up) {
    c.raw_up_bytes += g.values[x].bytes;
    double bytes = static_cast<double>(g.values[x].bytes);
    for (const auto& [y, name] : encodings) {
      if (y != x || name == "fp32") continue;
      c.encodings.emplace_back(x, name);
      // The calibrated size and codec time; without a table entry, the raw size.
      if (!o_.encodings || static_cast<size_t>(x) >= o_.encodings->options.size()) continue;
      for (const auto& opt : o_.encodings->options[x]) {
        if (opt.name != name) continue;
        bytes = opt.bytes;
        c.codec_ms += static_cast<double>(opt.encode_ns + opt.decode_ns) / 1e6;
      }
    }
    c.up_bytes += std::llround(bytes);
  }
  for (graph::ValueId x : g.outputs) {
    const NodeId u = g.values[x].producer;
    if (u != graph::kNoNode && !mask[u]) c.down_bytes += g.values[x].bytes;
  }
  c.origin = std::move(origin);
  return c;
}

int Controller::add(Candidate c) {
  if (o_.unavailable) {  // the server cannot give its tail: edge-only instead
    if (std::string why = o_.unavailable(c); !why.empty()) {
      std::string d = fmt::format("{}, {} edge nodes: {}", c.origin, c.edge_nodes.size(), why);
      if (std::find(dropped_.begin(), dropped_.end(), d) == dropped_.end()) dropped_.push_back(std::move(d));
      c = describe(graph::all_nodes(*g_), "edge-only");
    }
  }
  int i = find(c.edge_nodes, c.encodings);
  if (i < 0) {
    candidates_.push_back(std::move(c));
    i = static_cast<int>(candidates_.size()) - 1;
  }
  if (std::find(active_.begin(), active_.end(), i) == active_.end()) active_.push_back(i);
  return i;
}

int Controller::find(const std::vector<NodeId>& edge_nodes,
                     const std::vector<std::pair<graph::ValueId, std::string>>& encodings) const {
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

Status Controller::rebuild() {
  const graph::Graph& g = *g_;
  active_.clear();
  grid_bps_.clear();
  grid_plan_.clear();
  built_fe_ = fe_;
  built_fc_ = fc_;
  if (o_.algo == "fixed") {
    for (size_t i = 0; i < o_.fixed_plans.size(); ++i)
      add(describe(o_.fixed_plans[i], fmt::format("fixed#{}", i),
                   i < o_.fixed_encodings.size() ? o_.fixed_encodings[i]
                                                 : std::vector<std::pair<graph::ValueId, std::string>>{}));
    if (active_.empty()) return error(Code::kInvalidArgument, "no fixed plans given");
    return Status::ok();
  }
  std::vector<double> te(te_), tc(tc_);
  for (double& t : te) t *= fe_;
  for (double& t : tc) t *= fc_;
  EDGECUT_ASSIGN_OR_RETURN(partition::CostModel cm, partition::CostModel::create(g, te, tc));
  if (o_.algo == "qdmp") cm.encodings = o_.encodings;
  partition::Network net;
  net.rtt_ms = rtt_ms_;
  net.uplink_bps = o_.min_bps;
  net.downlink_bps = o_.min_bps * o_.downlink_ratio;
  if (o_.algo == "qdmp" && o_.throughput) {
    partition::ThroughputSolver solver(cm);
    auto env = partition::Envelope::build_throughput(solver, net, o_.min_bps, o_.max_bps);
    for (const auto& piece : env.pieces()) add(describe(piece.plan.edge_nodes, "throughput"));
    add(describe(graph::all_nodes(g), "edge-only"));  // sends nothing: no send cost (set_send_cost)
    return Status::ok();
  }
  if (o_.algo == "qdmp") {
    partition::Qdmp q(cm);
    auto env = partition::Envelope::build(q, net, o_.min_bps, o_.max_bps);
    for (const auto& piece : env.pieces()) {
      std::vector<std::pair<graph::ValueId, std::string>> enc;
      for (size_t k = 0; k < piece.plan.cut_values.size(); ++k) {
        enc.emplace_back(piece.plan.cut_values[k], piece.plan.cut_encodings[k]);
      }
      add(describe(piece.plan.edge_nodes, "qdmp", std::move(enc)));
    }
    return Status::ok();
  }
  for (int i = 0; i < o_.grid_points; ++i) {
    const double bps = o_.min_bps * std::pow(o_.max_bps / o_.min_bps, i / double(o_.grid_points - 1));
    net.uplink_bps = bps;
    net.downlink_bps = bps * o_.downlink_ratio;
    const auto objective = o_.throughput ? partition::Objective::kThroughput : partition::Objective::kLatency;
    EDGECUT_ASSIGN_OR_RETURN(partition::Plan p, partition::solve(o_.algo, cm, net, 24, objective));
    // Published DADS may put a node on the edge that reads a cloud tensor;
    // the runtime cannot run that, so the set is closed under predecessors.
    std::vector<char> mask = p.on_edge;
    bool repaired = false;
    for (NodeId v : g.topo) {
      if (!mask[v]) continue;
      for (graph::ValueId x : g.activation_inputs(v)) {
        const NodeId u = g.values[x].producer;
        repaired |= u != graph::kNoNode && !mask[u];
      }
    }
    if (repaired) mask = graph::predecessor_closure(g, std::move(mask));
    Candidate c = describe(graph::mask_nodes(mask), fmt::format("{}@{:.3g}Mbps", o_.algo, bps / 1e6));
    c.repaired = repaired;
    grid_bps_.push_back(bps);
    grid_plan_.push_back(add(std::move(c)));
  }
  return Status::ok();
}

Prediction Controller::predict(int plan, double bps, bool corrected) const {
  const Candidate& c = candidates_[plan];
  Prediction p;
  p.edge_ms = c.edge_ms * (corrected ? fe_ : 1.0);
  p.cloud_ms = c.cloud_ms * (corrected ? fc_ : 1.0);
  p.up_ms = 8e3 * static_cast<double>(c.up_bytes) / bps + c.codec_ms;
  if (c.has_cloud()) {
    p.rtt_ms = rtt_ms_;
    p.down_ms = 8e3 * static_cast<double>(c.down_bytes) / (bps * o_.downlink_ratio);
  }
  p.total_ms = p.edge_ms + p.cloud_ms + p.up_ms + p.rtt_ms + p.down_ms;
  const double send_ms =
      o_.throughput && c.has_cloud() ? send_request_ms_ + send_byte_ms_ * static_cast<double>(c.up_bytes) : 0;
  p.period_ms = std::max({p.edge_ms + send_ms, p.cloud_ms, p.up_ms, p.down_ms});
  return p;
}

void Controller::set_send_cost(double per_request_ms, double per_byte_ms) {
  send_request_ms_ = std::max(0.0, per_request_ms);
  send_byte_ms_ = std::max(0.0, per_byte_ms);
}

int Controller::choose(double bps, int current) const {
  int best = -1;
  if (!grid_bps_.empty()) {  // a baseline: its own decision at the nearest grid point
    const double x = std::log(std::clamp(bps, o_.min_bps, o_.max_bps) / o_.min_bps) /
                     std::log(o_.max_bps / o_.min_bps) * (o_.grid_points - 1);
    best = grid_plan_[static_cast<size_t>(std::lround(x))];
  } else {
    double best_ms = INFINITY;
    for (int i : active_) {
      const Prediction pr = predict(i, bps);
      const double t = o_.throughput ? pr.period_ms : pr.total_ms;
      if (t < best_ms) best_ms = t, best = i;
    }
  }
  if (current < 0 || best == current) return best;
  const Prediction pk = predict(current, bps), pm = predict(best, bps);
  const double keep = o_.throughput ? pk.period_ms : pk.total_ms;
  const double move = o_.throughput ? pm.period_ms : pm.total_ms;
  return keep > move * (1 + o_.hysteresis) ? best : current;
}

bool Controller::observe(int plan, double head_ms, double tail_ms, double queue_ms) {
  const Candidate& c = candidates_[plan];
  const double a = o_.correction_alpha;
  // Sides under a millisecond say more about timer noise than about drift.
  if (c.edge_ms >= 1.0 && head_ms > 0) fe_ = (1 - a) * fe_ + a * head_ms / c.edge_ms;
  if (c.cloud_ms >= 1.0 && tail_ms > 0) {
    fcc_ = (1 - a) * fcc_ + a * tail_ms / c.cloud_ms;
    queue_ = (1 - a) * queue_ + a * std::max(0.0, queue_ms) / tail_ms;
  }
  fc_ = fcc_ * (1 + queue_);
  return maybe_rebuild();
}

bool Controller::observe_load(double load) {
  if (!(load >= 0) || !std::isfinite(load)) return false;
  const double a = o_.correction_alpha;
  queue_ = (1 - a) * queue_ + a * load;
  // Below 1% the queue is noise: snap to 0 so the factor returns exactly.
  if (queue_ < 0.01) queue_ = 0;
  fc_ = fcc_ * (1 + queue_);
  return maybe_rebuild();
}

bool Controller::maybe_rebuild() {
  const bool shifted =
      std::fabs(fe_ / built_fe_ - 1) > o_.rebuild_shift || std::fabs(fc_ / built_fc_ - 1) > o_.rebuild_shift;
  if (!shifted || o_.algo == "fixed") return false;
  return rebuild().is_ok();
}

}  // namespace edgecut::runtime

namespace edgecut::runtime {

Status Controller::calibrate(double edge_factor, double cloud_factor) {
  if (edge_factor > 0 && std::isfinite(edge_factor)) fe_ = edge_factor;
  if (cloud_factor > 0 && std::isfinite(cloud_factor)) fc_ = fcc_ = cloud_factor;
  queue_ = 0;
  return rebuild();
}

double Controller::total_edge_ms() const {
  double t = 0;
  for (double x : te_) t += x;
  return t;
}

double Controller::total_cloud_ms() const {
  double t = 0;
  for (double x : tc_) t += x;
  return t;
}

}  // namespace edgecut::runtime
