// size: write_chart is one SVG document written top to bottom (title, ticks, frame, series, legend).
#include "eval/paper_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace edgecut::eval {
namespace {

constexpr const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                   "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else {
      out += c;
    }
  }
  return out;
}

struct Axis {
  bool log = false;
  double lo = 0, hi = 1;
  double f(double v) const { return log ? std::log10(v) : v; }
  bool ok(double v) const { return std::isfinite(v) && (!log || v > 0); }
  // Tick values: decades on a log axis (2 and 5 too when few decades), ~6 round steps otherwise.
  std::vector<double> ticks() const {
    std::vector<double> t;
    if (log) {
      const bool fine = hi - lo < 2.5;
      for (double d = std::floor(lo); d <= std::ceil(hi); d += 1) {
        for (double m : fine ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
          const double v = m * std::pow(10.0, d);
          if (f(v) >= lo - 1e-9 && f(v) <= hi + 1e-9) t.push_back(v);
        }
      }
      return t;
    }
    const double raw = (hi - lo) / 6, mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
      if (raw <= m * mag) {
        step = m * mag;
        break;
      }
    }
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) t.push_back(v);
    return t;
  }
};

std::string tick_label(double v) {
  const double a = std::fabs(v);
  if (a >= 1e6 && a < 1e15) return fmt::format("{:g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:g}k", v / 1e3);
  return fmt::format("{:g}", v);
}

void fit(Axis& ax, const std::vector<double>& vals, double floor_lin) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : vals) {
    if (!ax.ok(v)) continue;
    lo = std::min(lo, ax.f(v));
    hi = std::max(hi, ax.f(v));
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (ax.log) {
    lo = std::floor(lo * 10) / 10 - 0.05;
    hi = std::ceil(hi * 10) / 10 + 0.05;
  } else {
    lo = std::min(lo, floor_lin);
    hi = hi + (hi - lo) * 0.06;
  }
  if (hi <= lo) hi = lo + 1;
  ax.lo = lo;
  ax.hi = hi;
}

}  // namespace

std::string num(double v) {
  if (!std::isfinite(v)) return "";
  return fmt::format("{:.6g}", v);
}

Status write_csv(const std::string& path, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return error(Code::kIo, "{}: cannot open for writing", path);
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string& c = cells[i];
      if (c.find_first_of(",\"\n") != std::string::npos) {
        std::string q = "\"";
        for (char ch : c) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        out << q << '"';
      } else {
        out << c;
      }
      out << (i + 1 < cells.size() ? "," : "\n");
    }
  };
  line(header);
  for (const auto& r : rows) line(r);
  out.close();
  if (!out) return error(Code::kIo, "{}: write failed", path);
  return Status::ok();
}

Status write_chart(const std::string& path, const Chart& c) {
  const double W = 960, H = 560, L = 90, R = 250, B = 64;
  const double T = 48 + 15 * static_cast<double>(c.notes.size());
  Axis ax{c.log_x}, ay{c.log_y};
  std::vector<double> xs, ys;
  for (const auto& s : c.series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
    ys.insert(ys.end(), s.hi.begin(), s.hi.end());
  }
  fit(ax, xs, xs.empty() ? 0 : *std::min_element(xs.begin(), xs.end()));
  fit(ay, ys, c.y_min);
  auto px = [&](double v) { return L + (ax.f(v) - ax.lo) / (ax.hi - ax.lo) * (W - L - R); };
  auto py = [&](double v) { return H - B - (ay.f(v) - ay.lo) / (ay.hi - ay.lo) * (H - T - B); };
  std::string o = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\">\n<rect width=\"{}\" height=\"{}\" "
      "fill=\"white\"/>\n",
      W, H, W, H);
  o += fmt::format("<text x=\"{}\" y=\"26\" font-size=\"16\" text-anchor=\"middle\">{}</text>\n",
                   (W - R + L) / 2, esc(c.title));
  for (size_t i = 0; i < c.notes.size(); ++i) {
    o += fmt::format(
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#555\" text-anchor=\"middle\">{}</text>\n",
        (W - R + L) / 2, 44 + 15 * i, esc(c.notes[i]));
  }
  for (double v : ax.ticks()) {
    o += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#eee\"/><text x=\"{0:.1f}\" "
        "y=\"{3}\" "
        "text-anchor=\"middle\">{4}</text>\n",
        px(v), T, H - B, H - B + 18, tick_label(v));
  }
  for (double v : ay.ticks()) {
    o += fmt::format(
        "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#eee\"/><text x=\"{3}\" "
        "y=\"{4:.1f}\" "
        "text-anchor=\"end\">{5}</text>\n",
        L, py(v), W - R, L - 6, py(v) + 4, tick_label(v));
  }
  o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n", L,
                   T, W - L - R, H - T - B);
  o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", (W - R + L) / 2, H - 20,
                   esc(c.x_label + (c.log_x ? " (log scale)" : "")));
  o += fmt::format(
      "<text x=\"20\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 20 {0})\">{1}</text>\n",
      (H - B + T) / 2, esc(c.y_label + (c.log_y ? " (log scale)" : "")));
  for (size_t si = 0; si < c.series.size(); ++si) {
    const ChartSeries& s = c.series[si];
    const char* color = kColors[si % 10];
    std::string pts;
    double last_y = NAN;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!ax.ok(s.x[i]) || !ay.ok(s.y[i])) continue;
      if (s.step && std::isfinite(last_y)) pts += fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(last_y));
      pts += fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(s.y[i]));
      last_y = s.y[i];
      if (!s.step && s.x.size() <= 60) {
        o += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", px(s.x[i]),
                         py(s.y[i]), color);
      }
      if (i < s.lo.size() && i < s.hi.size() && ay.ok(s.lo[i]) && ay.ok(s.hi[i])) {
        o += fmt::format(
            "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\"/>\n",
            px(s.x[i]), py(s.lo[i]), py(s.hi[i]), color);
      }
    }
    o += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\"{} points=\"{}\"/>\n", color,
                     s.dashed ? " stroke-dasharray=\"6,4\"" : "", pts);
    const double ly = T + 18 * static_cast<double>(si) + 8;
    o += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"3\"{4}/><text "
        "x=\"{5}\" "
        "y=\"{6}\">{7}</text>\n",
        W - R + 14, ly, W - R + 38, color, s.dashed ? " stroke-dasharray=\"6,4\"" : "", W - R + 44, ly + 4,
        esc(s.name));
  }
  o += "</svg>\n";
  std::ofstream out(path, std::ios::trunc);
  out << o;
  out.close();
  if (!out) return error(Code::kIo, "{}: cannot write the figure", path);
  return Status::ok();
}

}  // namespace edgecut::eval
