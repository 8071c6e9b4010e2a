// size: one experiment (or test) reads top to bottom: its grid, the runs, then the files and the
// prose that cite them; splitting it would scatter the numbers from the sentences about them.
// E5: a changing network (eval/paper.h). Each trace (generated cellular
// uplinks, lab/trace.h, or --trace files) is replayed on the shaped link at
// 100 ms steps, one pass per run, for: QDMP adapting per frame to its
// measured bandwidth, DADS (as published) re-deciding on the same estimates,
// and static plans (edge-only, cloud-only, QDMP's plan for the trace's mean
// rate). From the same runs: the best static plan in hindsight (lowest mean
// latency over the trace) and the per-second oracle (in each second, the
// static run with the lowest mean latency there). Needs root.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "eval/paper.h"
#include "eval/paper_chart.h"
#include "eval/paper_runs.h"
#include "lab/testbed.h"
#include "lab/trace.h"

namespace edgecut::eval {
namespace {

struct Result {
  std::string name;
  bool is_static = false;
  std::vector<PaperFrame> frames;
  double mean = NAN, p95 = NAN;
};

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? NAN : s / static_cast<double>(v.size());
}

}  // namespace

Expected<ExperimentResult> run_paper_e5(const PaperOptions& o, std::ostream& progress) {
  ExperimentResult r;
  r.id = "E5";
  r.title = "changing network";
  if (Status st = Testbed::available(); !st.is_ok()) {
    r.skipped = st.message();
    r.markdown = "## E5: a changing network\n\nSkipped: " + st.message() + "\n";
    return r;
  }
  std::vector<RateTrace> traces;
  for (const std::string& spec : o.traces) {
    EDGECUT_ASSIGN_OR_RETURN(RateTrace t, trace_arg(spec));
    traces.push_back(std::move(t));
  }
  if (traces.empty()) {
    for (uint64_t seed : o.quick ? std::vector<uint64_t>{1} : std::vector<uint64_t>{1, 2}) {
      CellularOptions co;
      co.seed = seed;
      co.duration_s = o.quick ? 10 : 60;
      EDGECUT_ASSIGN_OR_RETURN(RateTrace t, generate_cellular(co));
      traces.push_back(std::move(t));
    }
  }
  const std::string model = o.quick ? "zoo:resnet18@224/2" : "zoo:googlenet";
  std::vector<std::vector<std::string>> csv, frames_csv;
  std::string md = fmt::format(
      "## E5: a changing network\n\n{} on the shaped link (edge {:.3g} of a core) while the uplink follows "
      "each "
      "trace at 100 ms steps (downlink: the same trace), one pass per run (e5_changing_network.csv; every "
      "frame "
      "in e5_frames.csv). Best static = the static run with the lowest mean latency over the trace; oracle = "
      "in "
      "each second, the static run with the lowest mean latency in that second. DADS re-decides on the same "
      "bandwidth estimates as QDMP (not with its own ping probe).\n\n",
      model, 1 / o.edge_ratio);
  md += "| trace | mean Mbit/s | strategy | frames | mean ms | p95 ms |\n|---|---|---|---|---|---|\n";
  std::string verdicts;
  for (const RateTrace& trace : traces) {
    const double mean_mbps = trace.mean_bps() / 1e6;
    const std::vector<Strategy> strategies = {
        {"QDMP adaptive", "qdmp", {}},
        {"QDMP adaptive, early edge finish", "qdmp", {"--early-finish"}},
        {"DADS adaptive", "dads", {}},
        {"edge-only", "edge-only", {}},
        {"cloud-only", "cloud-only", {}},
        {"QDMP static at the mean rate",
         "qdmp",
         {"--bandwidth", fmt::format("{}bps", trace.mean_bps() * 0.955)}}};
    std::vector<Result> results;
    for (const Strategy& s : strategies) {
      const bool early = !s.args.empty() && s.args[0] == "--early-finish";
      if (o.quick && (s.algo == "dads" || early)) continue;  // under 5 minutes
      progress << fmt::format("  E5: {} on {}\n", s.name, trace.name) << std::flush;
      std::string dir = fmt::format("{}/e5-runs/{}-{}", o.out_dir, trace.name, s.name);
      for (size_t i = o.out_dir.size() + 1; i < dir.size(); ++i) {
        if (dir[i] == ' ' || dir[i] == ':' || (dir[i] == '/' && i > o.out_dir.size() + 8)) dir[i] = '_';
      }
      EDGECUT_ASSIGN_OR_RETURN(PaperRun run,
                               run_strategy(o.exe, model, s, 1 / o.edge_ratio, mean_mbps, 0, trace, dir));
      Result res{s.name, s.name.find("adaptive") == std::string::npos, run.frames};
      std::vector<double> ms;
      for (const PaperFrame& f : res.frames) {
        ms.push_back(f.ms);
        frames_csv.push_back({trace.name, s.name, num(f.t_s), num(trace.rate_at(f.t_s) / 1e6), num(f.ms),
                              num(f.predicted_ms), num(f.est_mbps), f.fallback ? "yes" : "no",
                              num(f.edge_nodes)});
      }
      res.mean = mean_of(ms);
      res.p95 = quantile(ms, 0.95);
      results.push_back(std::move(res));
    }
    // Best static in hindsight, and the per-second oracle over the static runs.
    const Result* best = nullptr;
    for (const Result& x : results) {
      if (x.is_static && !x.frames.empty() && (!best || x.mean < best->mean)) best = &x;
    }
    std::vector<double> oracle_ms;
    const int secs = static_cast<int>(std::ceil(trace.duration_s()));
    for (int s = 0; s < secs; ++s) {
      const Result* pick = nullptr;
      double pick_mean = INFINITY;
      std::vector<double> pick_ms;
      for (const Result& x : results) {
        if (!x.is_static) continue;
        std::vector<double> in;
        for (const PaperFrame& f : x.frames) {
          if (f.t_s >= s && f.t_s < s + 1) in.push_back(f.ms);
        }
        if (!in.empty() && mean_of(in) < pick_mean) pick_mean = mean_of(in), pick = &x, pick_ms = in;
      }
      if (pick) oracle_ms.insert(oracle_ms.end(), pick_ms.begin(), pick_ms.end());
    }
    Result oracle{
        "per-second oracle (static runs)", false, {}, mean_of(oracle_ms), quantile(oracle_ms, 0.95)};
    for (const Result& x : results) {
      csv.push_back({trace.name, num(mean_mbps), x.name, x.is_static ? "static" : "adaptive",
                     num(static_cast<double>(x.frames.size())), num(x.mean), num(x.p95)});
      md += x.frames.empty()
                ? fmt::format("| {} | {:.2f} | {} | 0 | - | - |\n", trace.name, mean_mbps, x.name)
                : fmt::format("| {} | {:.2f} | {} | {} | {:.1f} | {:.1f} |\n", trace.name, mean_mbps, x.name,
                              x.frames.size(), x.mean, x.p95);
    }
    csv.push_back({trace.name, num(mean_mbps), oracle.name, "oracle",
                   num(static_cast<double>(oracle_ms.size())), num(oracle.mean), num(oracle.p95)});
    md += fmt::format("| {} | {:.2f} | {} | {} | {:.1f} | {:.1f} |\n", trace.name, mean_mbps, oracle.name,
                      oracle_ms.size(), oracle.mean, oracle.p95);
    for (const Result& q : results) {
      if (!best || q.name.rfind("QDMP adaptive", 0) != 0 || q.frames.empty()) continue;
      const bool ok = q.mean <= best->mean * 1.0001 && q.p95 <= best->p95 * 1.0001;
      verdicts += fmt::format(
          "- {}: {} mean {:.1f} / p95 {:.1f} ms; best static ({}) {:.1f} / {:.1f} ms: {}; gap to the oracle "
          "{:+.1f}% in mean.\n",
          trace.name, q.name, q.mean, q.p95, best->name, best->mean, best->p95,
          ok ? "no worse (claim holds)" : "WORSE (claim does not hold)", (q.mean / oracle.mean - 1) * 100);
    }
    // Figure: latency over time per strategy, and the trace's rate.
    Chart c;
    c.title = fmt::format("E5: per-frame latency over {} ({:.1f} Mbit/s mean)", trace.name, mean_mbps);
    c.x_label = "time (s)";
    c.y_label = "frame latency (ms)";
    c.log_y = true;
    c.notes = {fmt::format("{}; edge {:.3g} of a core; trace rate in the companion figure", model,
                           1 / o.edge_ratio)};
    for (const Result& x : results) {
      ChartSeries s{x.name};
      for (const PaperFrame& f : x.frames) {
        s.x.push_back(f.t_s);
        s.y.push_back(f.ms);
      }
      c.series.push_back(s);
    }
    std::string base = "e5_" + trace.name;
    for (char& ch : base) {
      if (ch == ':' || ch == '/' || ch == ' ' || ch == '.') ch = '_';
    }
    EDGECUT_RETURN_IF_ERROR(write_chart(o.out_dir + "/" + base + "_latency.svg", c));
    Chart rc;
    rc.title = fmt::format("E5: uplink rate of {}", trace.name);
    rc.x_label = "time (s)";
    rc.y_label = "uplink (Mbit/s)";
    ChartSeries rs{"trace (100 ms steps)"};
    rs.step = true;
    for (size_t k = 0; k < trace.bps.size(); ++k) {
      rs.x.push_back(static_cast<double>(k) * trace.step_s);
      rs.y.push_back(trace.bps[k] / 1e6);
    }
    ChartSeries es{"QDMP's estimate"};
    for (const PaperFrame& f : results.front().frames) {  // QDMP adaptive
      es.x.push_back(f.t_s);
      es.y.push_back(f.est_mbps);
    }
    rc.series = {rs, es};
    EDGECUT_RETURN_IF_ERROR(write_chart(o.out_dir + "/" + base + "_rate.svg", rc));
    r.svg.push_back(base + "_latency.svg");
    r.svg.push_back(base + "_rate.svg");
  }
  EDGECUT_RETURN_IF_ERROR(write_csv(o.out_dir + "/e5_changing_network.csv",
                                    {"trace", "mean_mbps", "strategy", "kind", "frames", "mean_ms", "p95_ms"},
                                    csv));
  EDGECUT_RETURN_IF_ERROR(write_csv(
      o.out_dir + "/e5_frames.csv",
      {"trace", "strategy", "t_s", "trace_mbps", "ms", "predicted_ms", "est_mbps", "fallback", "edge_nodes"},
      frames_csv));
  r.csv = {"e5_changing_network.csv", "e5_frames.csv"};
  r.markdown = md + "\n" + verdicts;
  return r;
}

}  // namespace edgecut::eval
