// Controller: the per-frame choice and the drift corrections (see
// controller.h); candidates and rebuilds are in controller.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "runtime/controller.h"

namespace edgecut::runtime {

Prediction Controller::predict(int plan, double bps, bool corrected) const {
  const Candidate& c = candidates_[plan];
  partition::Network net;
  net.uplink_bps = bps >= 1e3 ? bps : 1e3;  // also catches NaN
  net.downlink_bps = net.uplink_bps * o_.downlink_ratio;
  net.rtt_ms = rtt_ms_;
  const partition::Breakdown b =
      partition::price(c.line, net, corrected ? k_.fe : 1.0, corrected ? k_.fc() : 1.0);
  Prediction p;
  p.edge_ms = partition::ms_from_ns(b.edge_ns);
  p.cloud_ms = partition::ms_from_ns(b.cloud_ns);
  p.up_ms = partition::ms_from_ns(b.uplink_ns);  // codec included
  p.rtt_ms = partition::ms_from_ns(b.rtt_ns);
  p.down_ms = partition::ms_from_ns(b.downlink_ns);
  p.total_ms = partition::ms_from_ns(b.total_ns);
  const double send_ms =
      o_.throughput && c.has_cloud() ? send_request_ms_ + send_byte_ms_ * static_cast<double>(c.up_bytes) : 0;
  p.period_ms = std::max({p.edge_ms + send_ms, p.cloud_ms, p.up_ms, p.down_ms});
  return p;
}

void Controller::set_send_cost(double per_request_ms, double per_byte_ms) {
  send_request_ms_ = std::max(0.0, per_request_ms);
  send_byte_ms_ = std::max(0.0, per_byte_ms);
}

int Controller::choose(double bps, int current, const std::function<bool(int)>& usable) const {
  const auto ok = [&](int i) { return i >= 0 && (!usable || usable(i)); };
  const auto ms = [&](int i) {
    const Prediction p = predict(i, bps);
    return o_.throughput ? p.period_ms : p.total_ms;
  };
  int best = -1;
  if (!build_.grid_bps.empty()) {  // a baseline: its own decision at the nearest grid point
    const double x = std::log(std::clamp(bps, o_.min_bps, o_.max_bps) / o_.min_bps) /
                     std::log(o_.max_bps / o_.min_bps) * (o_.grid_points - 1);
    best = build_.grid_plan[static_cast<size_t>(std::lround(x))];
  }
  if (!ok(best)) {
    best = -1;
    double best_ms = INFINITY;
    for (int i : build_.active) {
      if (!ok(i)) continue;
      const double t = ms(i);
      if (t < best_ms) best_ms = t, best = i;
    }
  }
  if (best < 0 || !ok(current) || best == current) return best;
  return ms(current) > ms(best) * (1 + o_.hysteresis) ? best : current;
}

PlanKinds Controller::kinds(double bps) const {
  PlanKinds k;
  const size_t n = g_->nodes.size();
  const auto keep_min = [](double* slot, double ms) {
    if (*slot < 0 || ms < *slot) *slot = ms;
  };
  for (int i : build_.active) {
    const Candidate& c = candidates_[i];
    const Prediction p = predict(i, bps);
    const double ms = o_.throughput ? p.period_ms : p.total_ms;
    if (c.edge_nodes.size() == n) {
      keep_min(&k.edge_only_ms, ms);
    } else if (c.edge_nodes.empty()) {
      keep_min(&k.cloud_only_ms, ms);
    } else if (k.cut_ms < 0 || ms < k.cut_ms) {
      k.cut_ms = ms;
      k.cut = fmt::format("{} ({} edge nodes)", c.origin, c.edge_nodes.size());
    }
  }
  return k;
}

Expected<bool> Controller::correct(int plan, double head_ms, double tail_ms, double queue_ms) {
  if (plan < 0 || plan >= static_cast<int>(candidates_.size())) {
    return error(Code::kInvalidArgument, "plan {} is not a candidate (0..{})", plan,
                 static_cast<int>(candidates_.size()) - 1);
  }
  for (auto [ms, what] :
       {std::pair{head_ms, "head"}, std::pair{tail_ms, "tail"}, std::pair{queue_ms, "queue"}}) {
    if (!std::isfinite(ms))
      return error(Code::kInvalidArgument, "measured {} time {} ms is not finite", what, ms);
  }
  const Candidate& c = candidates_[plan];
  const Corrections before = k_;
  const double a = o_.correction_alpha;
  // Sides under a millisecond say more about timer noise than about drift.
  if (c.edge_ms >= 1.0 && head_ms > 0) k_.fe = (1 - a) * k_.fe + a * head_ms / c.edge_ms;
  if (c.cloud_ms >= 1.0 && tail_ms > 0) {
    k_.fcc = (1 - a) * k_.fcc + a * tail_ms / c.cloud_ms;
    k_.queue = (1 - a) * k_.queue + a * std::max(0.0, queue_ms) / tail_ms;
  }
  return apply(before);
}

Expected<bool> Controller::correct_load(double load) {
  if (!(load >= 0) || !std::isfinite(load)) {
    return error(Code::kInvalidArgument, "server load {} is not a finite non-negative number", load);
  }
  const Corrections before = k_;
  const double a = o_.correction_alpha;
  k_.queue = (1 - a) * k_.queue + a * load;
  // Below 1% the queue is noise: snap to 0 so the factor returns exactly.
  if (k_.queue < 0.01) k_.queue = 0;
  return apply(before);
}

// Rebuilds when a factor moved by more than rebuild_shift since the build; a
// failed rebuild takes the correction back with it.
Expected<bool> Controller::apply(const Corrections& before) {
  const Corrections& b = build_.at;
  const bool shifted =
      std::fabs(k_.fe / b.fe - 1) > o_.rebuild_shift || std::fabs(k_.fc() / b.fc() - 1) > o_.rebuild_shift;
  if (!shifted || o_.algo == "fixed") return false;
  if (Status st = rebuild(); !st.is_ok()) {
    k_ = before;
    return st.with_context("rebuilding the plans after a correction");
  }
  return true;
}

bool Controller::observe(int plan, double head_ms, double tail_ms, double queue_ms) {
  Expected<bool> r = correct(plan, head_ms, tail_ms, queue_ms);
  last_error_ = r ? Status::ok() : r.status();
  return r && *r;
}

bool Controller::observe_load(double load) {
  Expected<bool> r = correct_load(load);
  last_error_ = r ? Status::ok() : r.status();
  return r && *r;
}

Status Controller::calibrate(double edge_factor, double cloud_factor) {
  const Corrections before = k_;
  if (edge_factor > 0 && std::isfinite(edge_factor)) k_.fe = edge_factor;
  if (cloud_factor > 0 && std::isfinite(cloud_factor)) k_.fcc = cloud_factor;
  k_.queue = 0;
  Status st = rebuild();
  if (!st.is_ok()) k_ = before;
  return st;
}

}  // namespace edgecut::runtime
