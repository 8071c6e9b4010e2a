#include "cli/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace edgecut::cli {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Status write_line_chart(const std::string& path, const std::string& title, const std::string& x_label,
                        const std::string& y_label, const std::vector<double>& x, bool log_x,
                        const std::vector<Series>& series, const std::vector<Marker>& markers) {
  std::ofstream out(path);
  if (!out) return error(Code::kIo, "{}: cannot open for writing", path);
  const double W = 900, H = 520, L = 80, R = 180, T = 50, B = 60;
  auto fx = [&](double v) { return log_x ? std::log10(v) : v; };
  double x0 = fx(x.front()), x1 = fx(x.back());
  double ymax = 0;
  for (const auto& s : series)
    for (double v : s.y)
      if (std::isfinite(v)) ymax = std::max(ymax, v);
  ymax = ymax > 0 ? ymax * 1.05 : 1;
  auto px = [&](double v) { return L + (fx(v) - x0) / std::max(1e-12, x1 - x0) * (W - L - R); };
  auto py = [&](double v) { return H - B - v / ymax * (H - T - B); };
  static const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                  "#9467bd", "#8c564b", "#e377c2"};
  out << fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\">\n",
      W, H);
  out << fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n", W, H);
  out << fmt::format("<text x=\"{}\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">{}</text>\n",
                     (W - R + L) / 2, xml_escape(title));
  out << fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"black\"/>\n", L, H - B,
                     W - R);
  out << fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"black\"/>\n", L, T, H - B);
  for (int i = 0; i <= 5; ++i) {
    double v = ymax * i / 5;
    out << fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#eeeeee\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:.4g}</text>\n",
        L, py(v), W - R, L - 6, py(v) + 4, v);
  }
  if (log_x) {
    for (double d = std::pow(10.0, std::floor(x0)); d <= x.back() * 1.0001; d *= 10) {
      if (d < x.front() * 0.9999) continue;
      std::string label = d >= 1e9   ? fmt::format("{:g}G", d / 1e9)
                          : d >= 1e6 ? fmt::format("{:g}M", d / 1e6)
                          : d >= 1e3 ? fmt::format("{:g}k", d / 1e3)
                                     : fmt::format("{:g}", d);
      out << fmt::format(
          "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#eeeeee\"/>"
          "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
          px(d), T, H - B, H - B + 18, label);
    }
  }
  out << fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", (W - R + L) / 2, H - 15,
                     x_label);
  out << fmt::format(
      "<text x=\"18\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {0})\">{1}</text>\n",
      (H - B + T) / 2, y_label);
  for (const auto& m : markers) {
    if (!(fx(m.x) >= x0 && fx(m.x) <= x1)) continue;
    out << fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#999999\" "
        "stroke-dasharray=\"4,3\"/><text x=\"{3:.1f}\" y=\"{4}\" font-size=\"10\" fill=\"#555555\" "
        "transform=\"rotate(-90 {3:.1f} {4})\">{5}</text>\n",
        px(m.x), T, H - B, px(m.x) + 11, H - B - 4, xml_escape(m.label));
  }
  for (size_t si = 0; si < series.size(); ++si) {
    const char* color = kColors[si % 7];
    std::string pts;
    for (size_t i = 0; i < x.size() && i < series[si].y.size(); ++i) {
      if (std::isfinite(series[si].y[i])) pts += fmt::format("{:.1f},{:.1f} ", px(x[i]), py(series[si].y[i]));
    }
    out << fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" points=\"{}\"/>\n", color,
                       si == 0 ? 3 : 1.6, pts);
    out << fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"3\"/>"
        "<text x=\"{4}\" y=\"{5}\">{6}</text>\n",
        W - R + 15, T + 20 * si + 10, W - R + 40, color, W - R + 46, T + 20 * si + 14,
        xml_escape(series[si].name));
  }
  out << "</svg>\n";
  if (!out) return error(Code::kIo, "{}: write failed", path);
  return Status::ok();
}

}  // namespace edgecut::cli
