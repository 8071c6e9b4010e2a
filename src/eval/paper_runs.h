// What E1, E2 and E5 of `edgecut bench paper` share (eval/paper.h): one
// measured run of a strategy on the shaped link through the demo's testbed
// (eval/demo.h), read back as per-frame records, and the statistics of a
// set of repeated runs. Internal to eval/.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "eval/demo.h"

namespace edgecut::eval {

// A frame as the runs log it (runtime's frame log, JSON lines).
struct PaperFrame {
  double t_s = 0;  // end of the frame, from the run's first phase start
  double ms = 0, predicted_ms = 0, est_mbps = 0;
  bool fallback = false;
  int edge_nodes = 0;
  std::string origin;  // the algorithm that made its plan
  std::string note;    // why it fell back, when it did
};

// A strategy as `edgecut run` arguments: --algo and anything else.
struct Strategy {
  std::string name;
  std::string algo;
  std::vector<std::string> args;
};

struct PaperRun {
  std::vector<PaperFrame> frames;  // in the steady window
  DemoReport report;
};

// Runs `s` for `seconds` at a fixed `mbps` (or along `trace`, one pass, when
// given), planning for the rate's goodput when fixed; frames in the last 80%
// of the run. The run's files go to out_dir.
Expected<PaperRun> run_strategy(const std::string& exe, const std::string& model, const Strategy& s,
                                double edge_fraction, double mbps, double seconds,
                                const std::optional<RateTrace>& trace, const std::string& out_dir);

double quantile(std::vector<double> v, double q);
// median [min, max] as text; "-" when empty.
std::string spread_cell(const std::vector<double>& v, const char* fmt_one = "{:.1f}");
// median(a) / median(b) with the ratio's range over the runs' extremes, "tie"
// when the ranges overlap.
std::string ratio_cell(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace edgecut::eval
