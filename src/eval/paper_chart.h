// Figures and tables of `edgecut bench paper` (eval/paper.h): an SVG x-y
// chart (linear or log axes, each series its own x values, optional
// error bars, a legend, axis labels with units, notes under the title) and
// a CSV writer. No dependency: SVG text (Debian has no small C++ plotting
// library). O(points) each.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace edgecut::eval {

struct ChartSeries {
  ChartSeries() = default;
  explicit ChartSeries(std::string n) : name(std::move(n)) {}
  std::string name;
  std::vector<double> x, y;    // NaN or (on a log axis) <= 0: no point
  std::vector<double> lo, hi;  // optional error bar per point (same length as y, or empty)
  bool dashed = false;
  bool step = false;  // draw as a step function (rates over time)
};

struct Chart {
  std::string title, x_label, y_label;  // labels carry the units: "uplink (Mbit/s)"
  bool log_x = false, log_y = false;
  std::vector<ChartSeries> series;
  std::vector<std::string> notes;  // small lines under the title
  double y_min = 0;                // linear y axis starts here
};

Status write_chart(const std::string& path, const Chart& chart);

// CSV with a header; fields with commas or quotes are quoted.
Status write_csv(const std::string& path, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// "%.6g" without trailing noise, for CSV cells.
std::string num(double v);

}  // namespace edgecut::eval
