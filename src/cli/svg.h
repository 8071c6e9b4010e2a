// A minimal SVG line chart (log-scale x), for latency-vs-bandwidth plots that
// people would rather look at than read. No dependency: a few dozen lines of
// SVG text; Debian has no small C++ plotting library.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut::cli {

struct Series {
  std::string name;
  std::vector<double> y;  // one per x; NaN = no point
};

Status write_line_chart(const std::string& path, const std::string& title, const std::string& x_label,
                        const std::string& y_label, const std::vector<double>& x, bool log_x,
                        const std::vector<Series>& series);

}  // namespace edgecut::cli
