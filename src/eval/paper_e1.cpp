// size: one experiment (or test) reads top to bottom: its grid, the runs, then the files and the
// prose that cite them; splitting it would scatter the numbers from the sentences about them.
// E1: latency vs bandwidth on the shaped link (eval/paper.h). Per model,
// DADS technology rate and strategy, `edgecut run` one frame at a time,
// planning for the rate's goodput (the estimator plays no part), repeated;
// measured p50 / p95 and the predicted latency the run logged per frame.
// Full mode profiles the edge twice first (under the edge's CPU quota): each
// layer timed alone (isolated, DADS's method) for "DADS as published", the
// segment method for the others. Quick mode prices everyone with the
// FLOP estimates the run calibrates at start. Needs root.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/subprocess.h"
#include "eval/paper.h"
#include "eval/paper_chart.h"
#include "eval/paper_runs.h"
#include "lab/testbed.h"
#include "lab/trace.h"

namespace edgecut::eval {
namespace {

// Profiles `model` on the emulated edge with `method`; returns the file.
Expected<std::string> edge_profile(const PaperOptions& o, const std::string& model,
                                   const std::string& method) {
  std::string file = model.substr(model.find(':') + 1);
  std::replace(file.begin(), file.end(), '/', '_');
  const std::string path = fmt::format("{}/e1-profiles/{}-edge-{}.json", o.out_dir, file, method);
  (void)run_capture({"mkdir", "-p", o.out_dir + "/e1-profiles"});
  EDGECUT_RETURN_IF_ERROR(run_capture({o.exe, "profile", model, "--method", method, "--emulate-edge",
                                       fmt::format("{}", 1 / o.edge_ratio), "--quiet", "-o", path},
                                      std::chrono::milliseconds(1800000))
                              .status());
  return path;
}

struct Point {
  std::vector<double> p50, p95, pred;  // one per repeat
  std::string plan;
  int frames = 0, fallbacks = 0;  // over the repeats
  std::string fallback_note;      // the first fallback's reason
};

}  // namespace

Expected<ExperimentResult> run_paper_e1(const PaperOptions& o, std::ostream& progress) {
  ExperimentResult r;
  r.id = "E1";
  r.title = "latency vs bandwidth";
  if (Status st = Testbed::available(); !st.is_ok()) {
    r.skipped = st.message();
    r.markdown = "## E1: latency vs bandwidth\n\nSkipped: " + st.message() + "\n";
    return r;
  }
  const std::vector<std::string> models =
      !o.models.empty() ? o.models
      : o.quick         ? std::vector<std::string>{"zoo:resnet18@224/2"}
                // One model by default keeps the full run under an hour (--models adds more).
                : std::vector<std::string>{"zoo:googlenet"};
  std::vector<double> rates;
  for (const auto& p : rate_presets()) rates.push_back(p.mbps);
  if (o.quick) rates = {5.85};
  const int repeats = o.quick ? 1 : o.repeats;
  const double seconds = o.quick ? 6 : 12;
  std::vector<std::vector<std::string>> csv;
  std::string md = fmt::format(
      "## E1: latency vs bandwidth\n\nOne frame at a time on the shaped link (edge {:.3g} of a core, cloud "
      "one "
      "core), each run planning for the rate's goodput; p50 / p95 of the steady 80% of a {:.0f}-s run, "
      "median "
      "[min, max] over {} run(s) (e1_latency.csv). {}\n\n",
      1 / o.edge_ratio, seconds, repeats,
      o.quick
          ? "Quick mode: every strategy priced from FLOP estimates calibrated at start-up."
          : "Edge costs: isolated per-layer profile for DADS as published, segment profile for the others.");
  md +=
      "Not measured here: cloud-only with the best frame encoding and QDMP with encodings (they need "
      "`edgecut calibrate` on the model's frames first).\n\n";
  for (const std::string& model : models) {
    std::string iso, seg;
    if (!o.quick) {
      progress << fmt::format("  E1: profiling {} on the emulated edge\n", model) << std::flush;
      EDGECUT_ASSIGN_OR_RETURN(iso, edge_profile(o, model, "isolated"));
      EDGECUT_ASSIGN_OR_RETURN(seg, edge_profile(o, model, "segment"));
    }
    auto with = [](const std::string& p) {
      return p.empty() ? std::vector<std::string>{} : std::vector<std::string>{"--edge-profile", p};
    };
    std::vector<Strategy> strategies = {
        {"edge-only", "edge-only", with(seg)},       {"cloud-only fp32", "cloud-only", with(seg)},
        {"neurosurgeon", "neurosurgeon", with(seg)}, {"DADS as published", "dads", with(iso)},
        {"DADS-fixed", "dads-fixed", with(seg)},     {"QDMP", "qdmp", with(seg)}};
    if (o.quick) {  // a smoke test: the two extremes, DADS and QDMP
      std::erase_if(strategies,
                    [](const Strategy& s) { return s.algo == "neurosurgeon" || s.algo == "dads-fixed"; });
    }
    std::map<std::pair<std::string, double>, Point> pts;
    for (double mbps : rates) {
      for (const Strategy& s : strategies) {
        for (int rep = 0; rep < repeats; ++rep) {
          progress << fmt::format("  E1: {} at {} Mbit/s, {} (run {})\n", model, mbps, s.name, rep + 1)
                   << std::flush;
          std::string name = model.substr(model.find(':') + 1);
          std::replace(name.begin(), name.end(), '/', '_');
          const std::string dir =
              fmt::format("{}/e1-runs/{}-{}Mbps-{}-{}", o.out_dir, name, mbps, s.algo, rep);
          EDGECUT_ASSIGN_OR_RETURN(PaperRun run, run_strategy(o.exe, model, s, 1 / o.edge_ratio, mbps,
                                                              seconds, std::nullopt, dir));
          if (run.frames.empty()) {
            pts[{s.name, mbps}].plan = fmt::format("no frame finished within the {:.0f}-s run", seconds);
            csv.push_back({model, num(mbps), s.name, num(rep), "0", "", "", "", "", num(1 / o.edge_ratio),
                           pts[{s.name, mbps}].plan});
            continue;
          }
          std::vector<double> ms, pred;
          for (const PaperFrame& f : run.frames) {
            ms.push_back(f.ms);
            if (std::isfinite(f.predicted_ms)) pred.push_back(f.predicted_ms);
          }
          Point& p = pts[{s.name, mbps}];
          for (const PaperFrame& f : run.frames) {
            ++p.frames;
            if (!f.fallback) continue;
            ++p.fallbacks;
            if (p.fallback_note.empty()) p.fallback_note = f.note;
          }
          p.p50.push_back(quantile(ms, 0.5));
          p.p95.push_back(quantile(ms, 0.95));
          p.pred.push_back(quantile(pred, 0.5));
          p.plan = run.report.phases.front().plans;
          csv.push_back({model, num(mbps), s.name, num(rep), num(static_cast<double>(ms.size())),
                         num(p.p50.back()), num(p.p95.back()), num(p.pred.back()),
                         num(std::fabs(p.p50.back() - p.pred.back()) / p.p50.back() * 100),
                         num(1 / o.edge_ratio), run.report.phases.front().plans});
        }
      }
    }
    Chart c;
    c.title = fmt::format("E1: latency of {} vs uplink", model);
    c.x_label = "uplink (Mbit/s)";
    c.y_label = "latency per frame, p50 (ms)";
    c.log_x = true;
    c.log_y = true;
    c.notes = {
        fmt::format("solid: measured (bars min..max of {} run(s)); dashed: predicted; edge {:.3g} of a core",
                    repeats, 1 / o.edge_ratio)};
    for (const Strategy& s : strategies) {
      ChartSeries m{s.name + " measured"}, pr{s.name + " predicted"};
      pr.dashed = true;
      for (double mbps : rates) {
        const Point& p = pts[{s.name, mbps}];
        if (p.p50.empty()) continue;  // no frame finished at this rate
        m.x.push_back(mbps);
        m.y.push_back(quantile(p.p50, 0.5));
        m.lo.push_back(*std::min_element(p.p50.begin(), p.p50.end()));
        m.hi.push_back(*std::max_element(p.p50.begin(), p.p50.end()));
        pr.x.push_back(mbps);
        pr.y.push_back(quantile(p.pred, 0.5));
      }
      c.series.push_back(m);
      c.series.push_back(pr);
    }
    std::string svg = "e1_latency_" + model.substr(model.find(':') + 1) + ".svg";
    std::replace(svg.begin(), svg.end(), '/', '_');
    EDGECUT_RETURN_IF_ERROR(write_chart(o.out_dir + "/" + svg, c));
    r.svg.push_back(svg);
    md += fmt::format(
        "### {}\n\n| Mbit/s | strategy | p50 ms | p95 ms | predicted ms | error | plans |\n"
        "|---|---|---|---|---|---|---|\n",
        model);
    for (double mbps : rates) {
      for (const Strategy& s : strategies) {
        const Point& p = pts[{s.name, mbps}];
        if (p.p50.empty()) {
          md += fmt::format("| {:g} | {} | - | - | - | - | {} |\n", mbps, s.name, p.plan);
          continue;
        }
        const double err =
            std::fabs(quantile(p.p50, 0.5) - quantile(p.pred, 0.5)) / quantile(p.p50, 0.5) * 100;
        // A frame finished on the edge after a failed call is no measurement of
        // the strategy: say how many, and why the first one fell back.
        const std::string fell =
            p.fallbacks == 0 ? ""
                             : fmt::format("; {} of {} frames finished on the edge after a failed call ({})",
                                           p.fallbacks, p.frames, p.fallback_note.substr(0, 90));
        md += fmt::format("| {:g} | {} | {} | {} | {} | {:.0f}%{} | {}{} |\n", mbps, s.name,
                          spread_cell(p.p50), spread_cell(p.p95), spread_cell(p.pred), err,
                          err > 10 ? " (over 10%)" : "", p.plan, fell);
      }
      // Ratios: QDMP against DADS as published and against the best baseline
      // (latency: the baseline's p50 over QDMP's, > 1 = QDMP faster).
      const Point& q = pts[{"QDMP", mbps}];
      const Point& d = pts[{"DADS as published", mbps}];
      std::string best;
      double best_ms = INFINITY;
      for (const Strategy& s : strategies) {
        if (s.name == "QDMP" || s.name == "DADS-fixed") continue;
        const double v = quantile(pts[{s.name, mbps}].p50, 0.5);
        if (v < best_ms) best_ms = v, best = s.name;
      }
      md +=
          fmt::format("\nAt {:g} Mbit/s: DADS as published / QDMP = {}; best baseline ({}) / QDMP = {}.\n\n",
                      mbps, ratio_cell(d.p50, q.p50), best, ratio_cell(pts[{best, mbps}].p50, q.p50));
    }
  }
  EDGECUT_RETURN_IF_ERROR(write_csv(o.out_dir + "/e1_latency.csv",
                                    {"model", "mbps", "strategy", "repeat", "frames", "p50_ms", "p95_ms",
                                     "predicted_p50_ms", "error_pct", "edge_fraction", "plans"},
                                    csv));
  r.csv = {"e1_latency.csv"};
  md += "Paper: latency up to 1.69x lower than DADS.\n";
  r.markdown = md;
  return r;
}

}  // namespace edgecut::eval
