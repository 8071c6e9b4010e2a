#include "eval/paper_runs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace edgecut::eval {

Expected<PaperRun> run_strategy(const std::string& exe, const std::string& model, const Strategy& s,
                                double edge_fraction, double mbps, double seconds,
                                const std::optional<RateTrace>& trace, const std::string& out_dir) {
  DemoOptions d;
  d.exe = exe;
  d.model = model;
  d.phases = {{seconds, mbps}};
  d.edge_fraction = edge_fraction;
  d.algo = s.algo;
  d.run_args = s.args;
  if (trace) {
    d.uplink_trace = trace;
    d.trace_window_s = trace->duration_s();
  } else {
    // The rate's goodput (tbf counts headers): the estimator plays no part.
    d.run_args.push_back("--bandwidth");
    d.run_args.push_back(fmt::format("{}bps", mbps * 1e6 * 0.955));
  }
  d.run_args.insert(d.run_args.end(), {"--quiet", "--rebuild-shift", "1000"});
  d.out_dir = out_dir;
  d.quiet = true;
  d.ready_timeout_s = 900;
  std::ostringstream sink;
  EDGECUT_ASSIGN_OR_RETURN(DemoReport rep, run_demo(d, sink));
  PaperRun run;
  const double from = rep.phases.front().from_unix, to = rep.phases.back().to_unix;
  const double steady = trace ? from : from + 0.2 * (to - from);
  std::ifstream f(rep.log_path);
  for (std::string line; std::getline(f, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("total_ms") || !j.contains("unix_s")) continue;
    const double u = j["unix_s"].get<double>();
    if (u < steady || u > to) continue;
    PaperFrame fr;
    fr.t_s = u - from;
    fr.ms = j["total_ms"].get<double>();
    fr.predicted_ms = j.contains("pred") ? j["pred"].value("total_ms", NAN) : NAN;
    fr.est_mbps = j.value("est_bps", 0.0) / 1e6;
    fr.fallback = j.value("fallback", false);
    fr.edge_nodes = j.value("edge_nodes", 0);
    fr.origin = j.value("origin", "");
    fr.note = j.value("note", "");
    run.frames.push_back(fr);
  }
  // No frame in the window is a result, not a failure: cloud-only at 0.13
  // Mbit/s needs 38 s for one GoogLeNet input, longer than the run.
  run.report = std::move(rep);
  return run;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto i = static_cast<size_t>(pos);
  const double frac = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

std::string spread_cell(const std::vector<double>& v, const char* fmt_one) {
  if (v.empty()) return "-";
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const std::string m = fmt::format(fmt::runtime(fmt_one), quantile(v, 0.5));
  return v.size() == 1 ? m
                       : m + fmt::format(" [{}, {}]", fmt::format(fmt::runtime(fmt_one), *lo),
                                         fmt::format(fmt::runtime(fmt_one), *hi));
}

std::string ratio_cell(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.empty() || !(quantile(b, 0.5) > 0)) return "-";
  const auto [alo, ahi] = std::minmax_element(a.begin(), a.end());
  const auto [blo, bhi] = std::minmax_element(b.begin(), b.end());
  const double r = quantile(a, 0.5) / quantile(b, 0.5);
  if (a.size() == 1 && b.size() == 1) return fmt::format("{:.2f}x (1 run)", r);
  const bool tie = *alo <= *bhi && *blo <= *ahi;
  return fmt::format("{:.2f}x [{:.2f}, {:.2f}]{}", r, *alo / std::max(1e-9, *bhi),
                     *ahi / std::max(1e-9, *blo), tie ? " tie" : "");
}

}  // namespace edgecut::eval
