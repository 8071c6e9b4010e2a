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

// A dashed vertical line at x with a label beside it (where a plan changes:
// which tensors cross and how they are encoded).
struct Marker {
  double x = 0;
  std::string label;
};

Status write_line_chart(const std::string& path, const std::string& title, const std::string& x_label,
                        const std::string& y_label, const std::vector<double>& x, bool log_x,
                        const std::vector<Series>& series, const std::vector<Marker>& markers = {});

// Text with &, <, > and " escaped for SVG / XML.
std::string xml_escape(const std::string& s);

}  // namespace edgecut::cli
