// The demo's report (eval/demo.h): per-phase summaries of the frame log, the
// comparison of the kinds of plan, and the printed and JSON forms. O(frames).
#include "eval/demo_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "eval/demo.h"
#include "profile/stats.h"
#include "runtime/frame_report.h"

namespace edgecut::eval {

namespace {

std::string plan_key(const runtime::FrameLog& l) { return runtime::plan_label(l); }

// The plan most used in the second half of the phase: its steady state.
std::string steady_plan(const std::vector<const runtime::FrameLog*>& frames) {
  std::map<std::string, int> n;
  for (size_t i = frames.size() / 2; i < frames.size(); ++i) n[plan_key(*frames[i])]++;
  std::string best;
  for (const auto& [k, c] : n) {
    if (best.empty() || c > n[best]) best = k;
  }
  return best;
}

double median_or_none(const std::vector<double>& v) { return v.empty() ? -1 : profile::median(v); }

// The per-phase comparison of the three kinds of plan (PhaseReport::fastest).
void compare_kinds(const std::vector<const runtime::FrameLog*>& frames, PhaseReport* p) {
  std::vector<double> eo, co, cu;
  std::map<std::string, int> cuts;
  for (const runtime::FrameLog* f : frames) {
    if (f->kinds.edge_only_ms >= 0) eo.push_back(f->kinds.edge_only_ms);
    if (f->kinds.cloud_only_ms >= 0) co.push_back(f->kinds.cloud_only_ms);
    if (f->kinds.cut_ms >= 0) cu.push_back(f->kinds.cut_ms), cuts[f->kinds.cut]++;
  }
  p->edge_only_ms = median_or_none(eo);
  p->cloud_only_ms = median_or_none(co);
  p->cut_ms = median_or_none(cu);
  for (const auto& [name, n] : cuts) {
    if (p->cut.empty() || n > cuts[p->cut]) p->cut = name;
  }
  std::vector<std::pair<double, std::string>> kinds;
  for (auto [ms, name] : {std::pair{p->cut_ms, "cut"}, std::pair{p->cloud_only_ms, "cloud-only"},
                          std::pair{p->edge_only_ms, "edge-only"}}) {
    if (ms > 0) kinds.emplace_back(ms, name);
  }
  std::sort(kinds.begin(), kinds.end());
  if (kinds.empty()) return;
  p->fastest = kinds[0].second;
  p->fastest_by = kinds.size() > 1 ? kinds[1].first / kinds[0].first : 1;
}

}  // namespace

PhaseReport summarise_phase(const std::vector<runtime::FrameLog>& log, double from, double to, double mbps) {
  PhaseReport p;
  p.shaped_mbps = mbps;
  std::vector<const runtime::FrameLog*> frames;
  for (const auto& l : log) {
    if (l.unix_s >= from && l.unix_s < to) frames.push_back(&l);
  }
  std::vector<double> est, lat, pred, err;
  std::map<std::string, int> plans;
  p.steady_plan = steady_plan(frames);
  bool adopted = false;
  for (const runtime::FrameLog* f : frames) {
    const runtime::FrameLog& j = *f;
    const double t = j.unix_s, ms = j.total_ms, pr = j.pred.total_ms;
    ++p.frames;
    est.push_back(j.est_bps / 1e6);
    lat.push_back(ms);
    pred.push_back(pr);
    if (!j.fallback && ms > 0) err.push_back(std::fabs(ms - pr) / ms * 100);
    if (p.first_switch_s < 0 && j.switched) p.first_switch_s = t - from;
    if (!adopted && plan_key(j) == p.steady_plan) {
      adopted = true;
      // unix_s is logged when the frame ends; its start is what counts.
      p.adopt_s = std::max(0.0, t - ms / 1e3 - from);
    }
    // A frame already running when the link changed could not have used the
    // new plan; only those that started after the change count as stale.
    if (!adopted && t - ms / 1e3 >= from) ++p.stale_frames;
    plans[plan_key(j)]++;
  }
  p.est_median_mbps = profile::median(est);
  p.est_err_pct = (p.est_median_mbps - mbps) / mbps * 100;
  p.latency_p50_ms = profile::median(lat);
  p.predicted_p50_ms = profile::median(pred);
  p.latency_err_pct =
      p.latency_p50_ms > 0 ? std::fabs(p.latency_p50_ms - p.predicted_p50_ms) / p.latency_p50_ms * 100 : 0;
  double sum = 0;
  for (double e : err) sum += e;
  p.mean_abs_err_pct = err.empty() ? 0 : sum / static_cast<double>(err.size());
  for (const auto& [name, n] : plans)
    p.plans += fmt::format("{}{} x{}", p.plans.empty() ? "" : ", ", name, n);
  compare_kinds(frames, &p);
  return p;
}

nlohmann::json DemoReport::to_json() const {
  nlohmann::json ph = nlohmann::json::array();
  for (const auto& p : phases) {
    ph.push_back({{"shaped_mbps", p.shaped_mbps},
                  {"frames", p.frames},
                  {"est_median_mbps", p.est_median_mbps},
                  {"est_err_pct", p.est_err_pct},
                  {"latency_p50_ms", p.latency_p50_ms},
                  {"predicted_p50_ms", p.predicted_p50_ms},
                  {"latency_err_pct", p.latency_err_pct},
                  {"mean_abs_err_pct", p.mean_abs_err_pct},
                  {"first_switch_s", p.first_switch_s},
                  {"steady_plan", p.steady_plan},
                  {"adopt_s", p.adopt_s},
                  {"stale_frames", p.stale_frames},
                  {"plans", p.plans},
                  {"edge_only_ms", p.edge_only_ms},
                  {"cloud_only_ms", p.cloud_only_ms},
                  {"cut_ms", p.cut_ms},
                  {"cut", p.cut},
                  {"fastest", p.fastest},
                  {"fastest_by", p.fastest_by},
                  {"from_unix", p.from_unix},
                  {"to_unix", p.to_unix}});
  }
  return {{"mode", mode},
          {"edge_fraction", edge_fraction},
          {"edge_speed", edge_speed},
          {"trace", trace},
          {"trace_changes", trace_changes},
          {"phases", ph},
          {"log", log_path},
          {"svg", svg_path}};
}

std::string DemoReport::describe() const {
  std::string s =
      fmt::format("demo summary ({}):\n  edge {} of a core{}{}\n", mode, edge_fraction,
                  edge_speed.empty() ? "" : " (edge:cloud speed " + edge_speed + ")",
                  trace.empty() ? "" : fmt::format("; replayed {} ({} rate changes)", trace, trace_changes));
  s += "  shaped Mbps | frames | estimate Mbps (err) | latency p50 ms | predicted p50 ms (err) | steady plan "
       "adopted "
       "after | plans\n";
  for (const auto& p : phases) {
    s += fmt::format(
        "  {:11.1f} | {:6d} | {:8.2f} ({:+5.1f}%) | {:14.1f} | {:9.1f} ({:4.1f}%) | {:5.2f} s, {} frame(s) | "
        "{}\n",
        p.shaped_mbps, p.frames, p.est_median_mbps, p.est_err_pct, p.latency_p50_ms, p.predicted_p50_ms,
        p.latency_err_pct, p.adopt_s, p.stale_frames, p.plans);
  }
  s += describe_kinds();
  s += fmt::format("  frame log: {}\n  timeline:  {}\n", log_path, svg_path);
  return s;
}

std::string DemoReport::describe_kinds() const {
  const auto ms = [](double v) { return v < 0 ? std::string("n/a") : fmt::format("{:.1f}", v); };
  std::string s =
      "  what each kind of plan was predicted to cost (p50 ms at the frames' estimates) beside what ran:\n"
      "  shaped Mbps | ran, measured p50 | edge-only | cloud-only | best cut | fastest\n";
  bool any_cut = false;
  for (const auto& p : phases) {
    any_cut |= p.cut_ms >= 0;
    s += fmt::format("  {:11.1f} | {:17.1f} | {:>9} | {:>10} | {:>8} | {}\n", p.shaped_mbps, p.latency_p50_ms,
                     ms(p.edge_only_ms), ms(p.cloud_only_ms), ms(p.cut_ms),
                     p.fastest.empty() ? "-" : fmt::format("{} by {:.2f}x", p.fastest, p.fastest_by));
  }
  if (any_cut) {
    for (const auto& p : phases) {
      if (!p.cut.empty()) s += fmt::format("  best cut at {:g} Mbit/s: {}\n", p.shaped_mbps, p.cut);
    }
  } else {
    s += "  no interior cut is a candidate: the envelope over the planning range holds only edge-only "
         "and cloud-only for this model and edge (`edgecut plan MODEL --sweep 0.1Mbps:1Gbps --envelope`)\n";
  }
  return s;
}

}  // namespace edgecut::eval
