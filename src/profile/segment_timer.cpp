#include "profile/segment_timer.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "exec/split_run.h"
#include "profile/drift.h"

namespace edgecut::profile {

using Clock = std::chrono::steady_clock;

SegmentTimer::SegmentTimer(exec::Executor* ex, const graph::Graph* g, uint64_t seed)
    : ex_(ex), g_(g), seed_(seed) {}

Expected<int> SegmentTimer::add(const std::vector<graph::NodeId>& nodes, std::string label, double cost_ms,
                                int group) {
  EDGECUT_ASSIGN_OR_RETURN(exec::SegmentId id, ex_->prepare(nodes));
  Seg s;
  s.id = id;
  // Caller ids are >= 0; private groups get negative ids that cannot clash.
  s.group = group >= 0 ? group : -1 - static_cast<int>(segs_.size());
  s.label = std::move(label);
  s.cost_ms = std::max(cost_ms, 1e-3);
  EDGECUT_ASSIGN_OR_RETURN(
      s.inputs, exec::segment_inputs(*ex_, *g_, nodes, ex_->info(id).inputs, seed_ + 7919 * segs_.size()));
  segs_.push_back(std::move(s));
  layer_.push_back(0);
  return static_cast<int>(segs_.size()) - 1;
}

Status SegmentTimer::run_once(Seg& s, bool timed, bool layers) {
  std::vector<exec::Tensor> outputs;
  auto t0 = Clock::now();
  Status st = ex_->run(s.id, s.inputs, &outputs);
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (!st.is_ok()) return st.with_context("running segment " + s.label);
  if (timed) s.samples.push_back(ms);
  if (timed && layers && !layer_unsupported_) {
    auto lt = ex_->last_run_node_ms(s.id);
    if (lt) {
      s.layer_runs.push_back(std::move(*lt));
    } else if (lt.status().code() == Code::kUnsupported) {
      layer_unsupported_ = true;
    } else {
      return lt.status();
    }
  }
  return Status::ok();
}

std::vector<std::vector<int>> SegmentTimer::groups() const {
  std::vector<std::vector<int>> groups;
  std::vector<int> seen_ids;
  for (int i = 0; i < size(); ++i) {
    auto it = std::find(seen_ids.begin(), seen_ids.end(), segs_[i].group);
    if (it == seen_ids.end()) {
      seen_ids.push_back(segs_[i].group);
      groups.emplace_back();
      groups.back().push_back(i);
    } else {
      groups[it - seen_ids.begin()].push_back(i);
    }
  }
  return groups;
}

Status SegmentTimer::measure(const MeasureOptions& o, double from, double to) {
  if (size() == 0) return Status::ok();
  double round_cost = 0;
  for (const Seg& s : segs_) round_cost += s.cost_ms;
  const double planned = round_cost * (o.warmup + o.repeat);
  double done = 0;
  auto tick = [&](const Seg& s) {
    done += s.cost_ms;
    if (o.progress) o.progress(std::clamp(from + (to - from) * done / planned, from, to), s.label);
  };
  for (int w = 0; w < o.warmup; ++w) {
    for (Seg& s : segs_) {
      EDGECUT_RETURN_IF_ERROR(run_once(s, false, false));
      tick(s);
    }
  }
  const std::vector<std::vector<int>> groups = this->groups();
  // Round-robin over groups, starting each round at a different group so
  // that no group always follows the same one.
  auto rounds = [&](const std::vector<int>& which, int count) -> Status {
    const int m = static_cast<int>(which.size());
    for (int r = 0; r < count; ++r) {
      for (int k = 0; k < m; ++k) {
        for (int i : groups[which[(k + r) % m]]) {
          EDGECUT_RETURN_IF_ERROR(run_once(segs_[i], true, layer_[i] != 0));
          tick(segs_[i]);
        }
      }
    }
    return Status::ok();
  };
  std::vector<int> everyone(groups.size());
  std::iota(everyone.begin(), everyone.end(), 0);
  EDGECUT_RETURN_IF_ERROR(rounds(everyone, o.repeat));
  for (int retry = 0; retry < o.max_retries && Clock::now() < o.retry_until; ++retry) {
    std::vector<int> wide;
    for (size_t k = 0; k < groups.size(); ++k) {
      bool any = std::any_of(groups[k].begin(), groups[k].end(),
                             [&](int i) { return summary(i).spread() > o.max_spread; });
      if (!any) continue;
      wide.push_back(static_cast<int>(k));
      for (int i : groups[k]) ++segs_[i].retries;
    }
    if (wide.empty()) break;
    EDGECUT_RETURN_IF_ERROR(rounds(wide, o.repeat));
  }
  return Status::ok();
}

double SegmentTimer::paired_ratio(int i, const std::vector<int>& over, double q) const {
  std::vector<const std::vector<double>*> series;
  for (int j : over) series.push_back(&segs_[j].samples);
  return profile::paired_ratio(segs_[i].samples, series, q);
}

std::vector<double> SegmentTimer::layer_median(int i) const {
  const auto& runs = segs_[i].layer_runs;
  if (runs.empty()) return {};
  std::vector<double> out(runs.front().size());
  std::vector<double> col(runs.size());
  for (size_t v = 0; v < out.size(); ++v) {
    for (size_t r = 0; r < runs.size(); ++r) col[r] = v < runs[r].size() ? runs[r][v] : 0;
    out[v] = median(col);
  }
  return out;
}

nlohmann::json SegmentTimer::to_json(int i) const {
  nlohmann::json j = profile::to_json(summary(i));
  j["label"] = segs_[i].label;
  j["retries"] = segs_[i].retries;
  j["bimodal"] = looks_bimodal(segs_[i].samples);
  return j;
}

}  // namespace edgecut::profile
