// size: one experiment (or test) reads top to bottom: its grid, the runs, then the files and the
// prose that cite them; splitting it would scatter the numbers from the sentences about them.
// E2: throughput on the shaped link (eval/paper.h): bench stream's runs
// (eval/stream_bench.h) at the DADS technology rates: edge-only and
// cloud-only pipelined, Neurosurgeon and DADS one frame at a time (as
// published), DADS's heavy-load plan (DSH) and the exact throughput plan
// ("ours") pipelined; frames/s, % of the stage bound, ratios against DADS and
// DSH, repeated runs with their spread. Needs root (namespaces, tbf).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "eval/paper.h"
#include "eval/paper_chart.h"
#include "eval/paper_runs.h"
#include "eval/stream_bench.h"
#include "lab/testbed.h"
#include "profile/stats.h"

namespace edgecut::eval {
namespace {

struct Cell {
  std::vector<double> fps;
  double bound = 0;
  std::string plan;
};

std::string spread(const std::vector<double>& v) { return spread_cell(v, "{:.2f}"); }

}  // namespace

Expected<ExperimentResult> run_paper_e2(const PaperOptions& o, std::ostream& progress) {
  ExperimentResult r;
  r.id = "E2";
  r.title = "throughput";
  if (Status st = Testbed::available(); !st.is_ok()) {
    r.skipped = st.message();
    r.markdown = "## E2: throughput\n\nSkipped: " + st.message() + "\n";
    return r;
  }
  StreamBenchOptions sb;
  sb.exe = o.exe;
  sb.edge_fraction = 1 / o.edge_ratio;
  sb.out_dir = o.out_dir + "/e2-runs";
  if (o.quick) {
    sb.models = {"zoo:resnet18@224/2"};
    sb.mbps = {5.85};
    sb.methods = {"dads", "dads+dsh", "ours"};
    sb.seconds = 6;
  } else {
    sb.models = o.models.empty() ? std::vector<std::string>{"zoo:googlenet"} : o.models;
    sb.mbps = {1.1, 5.85, 18.88};
    sb.seconds = 12;
  }
  const int repeats = o.quick ? 1 : o.repeats;
  std::vector<StreamRun> runs;
  for (int rep = 0; rep < repeats; ++rep) {
    EDGECUT_ASSIGN_OR_RETURN(std::vector<StreamRun> one, run_stream_bench(sb, progress));
    runs.insert(runs.end(), one.begin(), one.end());
  }
  std::vector<std::vector<std::string>> csv;
  std::map<std::tuple<std::string, double, std::string>, Cell> cells;
  for (size_t i = 0; i < runs.size(); ++i) {
    const StreamRun& x = runs[i];
    csv.push_back({x.model, num(x.mbps), x.method,
                   num(static_cast<double>(i / std::max<size_t>(1, runs.size() / repeats))),
                   x.pipelined ? "yes" : "no", num(static_cast<double>(x.frames)), num(x.fps),
                   num(x.bound_fps), num(x.ratio), num(x.edge_ms), num(x.up_ms), num(x.cloud_ms),
                   x.main_plan});
    Cell& c = cells[{x.model, x.mbps, x.method}];
    c.fps.push_back(x.fps);
    c.bound = x.bound_fps;
    c.plan = x.main_plan;
  }
  EDGECUT_RETURN_IF_ERROR(
      write_csv(o.out_dir + "/e2_throughput.csv",
                {"model", "mbps", "method", "repeat", "pipelined", "frames", "fps", "bound_fps",
                 "fps_over_bound", "edge_ms", "up_ms", "cloud_ms", "main_plan"},
                csv));
  std::string md = fmt::format(
      "## E2: throughput\n\nFrames/s on the shaped link (edge {:.3g} of a core, cloud one core), steady part "
      "of "
      "each {:.0f}-s run, median [min, max] over {} run(s) (e2_throughput.csv). Ratios: median over median, "
      "range from the runs' extremes; 'tie' where the ranges overlap. Paper: up to 3.81x against DADS.\n\n",
      sb.edge_fraction, sb.seconds, repeats);
  md += "| model | Mbit/s | " + fmt::format("{}", fmt::join(sb.methods, " | ")) +
        " | ours / DADS | ours / DSH |\n|---|---|";
  for (size_t i = 0; i < sb.methods.size() + 2; ++i) md += "---|";
  md += "\n";
  for (const std::string& model : sb.models) {
    Chart c;
    c.title = fmt::format("E2: throughput of {} vs uplink", model);
    c.x_label = "uplink (Mbit/s)";
    c.y_label = "frames/s";
    c.log_x = true;
    c.notes = {
        fmt::format("median of {} run(s), bars min..max; edge {:.3g} of a core", repeats, sb.edge_fraction)};
    for (const std::string& m : sb.methods) {
      ChartSeries s{m};
      for (double mbps : sb.mbps) {
        const Cell& cell = cells[{model, mbps, m}];
        if (cell.fps.empty()) continue;
        s.x.push_back(mbps);
        s.y.push_back(profile::median(cell.fps));
        s.lo.push_back(*std::min_element(cell.fps.begin(), cell.fps.end()));
        s.hi.push_back(*std::max_element(cell.fps.begin(), cell.fps.end()));
      }
      c.series.push_back(s);
    }
    const std::string svg = fmt::format("e2_throughput_{}.svg", model.substr(model.find(':') + 1));
    std::string file = svg;
    std::replace(file.begin(), file.end(), '/', '_');
    EDGECUT_RETURN_IF_ERROR(write_chart(o.out_dir + "/" + file, c));
    r.svg.push_back(file);
    for (double mbps : sb.mbps) {
      md += fmt::format("| {} | {:g} |", model, mbps);
      for (const std::string& m : sb.methods) md += " " + spread(cells[{model, mbps, m}].fps) + " |";
      md += " " + ratio_cell(cells[{model, mbps, "ours"}].fps, cells[{model, mbps, "dads"}].fps) + " | " +
            ratio_cell(cells[{model, mbps, "ours"}].fps, cells[{model, mbps, "dads+dsh"}].fps) + " |\n";
    }
  }
  std::ostringstream table;
  md += "\nSpeed ratios measured in the runs:\n\n```\n" + describe_speed_ratios(runs, sb) + "```\n";
  r.csv = {"e2_throughput.csv"};
  r.markdown = md;
  return r;
}

}  // namespace edgecut::eval
