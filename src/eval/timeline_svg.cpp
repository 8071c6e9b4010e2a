#include "eval/timeline_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace edgecut::eval {

namespace {

constexpr double kW = 900, kLeft = 70, kRight = 20, kPanelH = 200, kGap = 50, kTop = 40;

struct Axis {
  double lo, hi, y0, h;  // value range, panel top, panel height
  double y(double v) const { return y0 + h - (std::clamp(v, lo, hi) - lo) / (hi - lo) * h; }
};

std::string polyline(const std::vector<std::pair<double, double>>& pts, const char* color,
                     const char* extra = "") {
  std::string d;
  for (const auto& [x, y] : pts) d += fmt::format("{:.1f},{:.1f} ", x, y);
  return fmt::format("<polyline fill='none' stroke='{}' stroke-width='1.5' {} points='{}'/>\n", color, extra,
                     d);
}

std::string panel(const Axis& a, const char* label, double t_max) {
  std::string s = fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='none' stroke='#999'/>\n",
                              kLeft, a.y0, kW - kLeft - kRight, a.h);
  for (int i = 0; i <= 4; ++i) {
    const double v = a.lo + (a.hi - a.lo) * i / 4;
    s += fmt::format("<text x='{}' y='{:.1f}' font-size='11' text-anchor='end'>{:.4g}</text>\n", kLeft - 4,
                     a.y(v) + 4, v);
  }
  s += fmt::format(
      "<text x='12' y='{:.1f}' font-size='12' transform='rotate(-90 12 {:.1f})' "
      "text-anchor='middle'>{}</text>\n",
      a.y0 + a.h / 2, a.y0 + a.h / 2, label);
  for (int i = 0; i <= 5; ++i) {
    const double t = t_max * i / 5, x = kLeft + (kW - kLeft - kRight) * i / 5;
    s += fmt::format("<text x='{:.1f}' y='{:.1f}' font-size='11' text-anchor='middle'>{:.0f} s</text>\n", x,
                     a.y0 + a.h + 14, t);
  }
  return s;
}

}  // namespace

Status write_timeline_svg(const std::string& path, const std::string& title,
                          const std::vector<TimelineFrame>& frames, const std::vector<RateStep>& shaped) {
  double t_max = 1, bw_max = 1, lat_max = 1;
  for (const auto& f : frames) {
    t_max = std::max(t_max, f.t_s);
    bw_max = std::max(bw_max, f.est_mbps);
    lat_max = std::max({lat_max, f.latency_ms, f.predicted_ms});
  }
  for (const auto& r : shaped) bw_max = std::max(bw_max, r.mbps);
  const Axis bw{0, bw_max * 1.1, kTop, kPanelH}, lat{0, lat_max * 1.1, kTop + kPanelH + kGap, kPanelH};
  auto x = [&](double t) { return kLeft + (kW - kLeft - kRight) * std::clamp(t / t_max, 0.0, 1.0); };
  std::string s = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif'>\n"
      "<rect width='100%' height='100%' fill='white'/>\n<text x='{}' y='22' font-size='15'>{}</text>\n",
      kW, kTop + 2 * kPanelH + kGap + 60, kLeft, title);
  s += panel(bw, "uplink Mbps", t_max) + panel(lat, "latency ms", t_max);
  std::vector<std::pair<double, double>> shaped_pts, est_pts, lat_pts, pred_pts;
  for (size_t i = 0; i < shaped.size(); ++i) {
    const double end = i + 1 < shaped.size() ? shaped[i + 1].t_s : t_max;
    shaped_pts.emplace_back(x(shaped[i].t_s), bw.y(shaped[i].mbps));
    shaped_pts.emplace_back(x(end), bw.y(shaped[i].mbps));
  }
  for (const auto& f : frames) {
    est_pts.emplace_back(x(f.t_s), bw.y(f.est_mbps));
    lat_pts.emplace_back(x(f.t_s), lat.y(f.latency_ms));
    pred_pts.emplace_back(x(f.t_s), lat.y(f.predicted_ms));
    if (f.switched) {
      s += fmt::format(
          "<line x1='{0:.1f}' x2='{0:.1f}' y1='{1}' y2='{2}' stroke='#2a2' stroke-dasharray='3,3'/>\n"
          "<text x='{0:.1f}' y='{3:.1f}' font-size='10' fill='#2a2'>{4}</text>\n",
          x(f.t_s), kTop, lat.y0 + lat.h, kTop + 10, f.plan);
    }
    if (f.fallback) {
      s += fmt::format("<circle cx='{:.1f}' cy='{:.1f}' r='3' fill='red'/>\n", x(f.t_s), lat.y(f.latency_ms));
    }
  }
  s += polyline(shaped_pts, "#888", "stroke-dasharray='6,3'") + polyline(est_pts, "#06c");
  s += polyline(pred_pts, "#e80", "stroke-dasharray='4,2'") + polyline(lat_pts, "#c00");
  const double ly = lat.y0 + lat.h + 40;
  s += fmt::format(
      "<text x='{0}' y='{1}' font-size='12'><tspan fill='#888'>-- shaped</tspan>  <tspan fill='#06c'>— "
      "estimated</tspan>  <tspan fill='#c00'>— measured latency</tspan>  <tspan fill='#e80'>-- "
      "predicted</tspan>  "
      "<tspan fill='#2a2'>| plan switch</tspan>  <tspan fill='red'>● finished on the "
      "edge</tspan></text>\n</svg>\n",
      kLeft, ly);
  std::ofstream f(path);
  if (!f) return error(Code::kIo, "{}: cannot write", path);
  f << s;
  return f ? Status::ok() : error(Code::kIo, "{}: write failed", path);
}

}  // namespace edgecut::eval
