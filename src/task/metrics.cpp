#include "task/metrics.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace edgecut::task {
namespace {

// Greedy one-to-one matching of (cost, output, reference) pairs already
// filtered to the admissible ones; lower cost first.
int greedy(std::vector<std::tuple<double, int, int>> pairs, size_t n, size_t m) {
  std::sort(pairs.begin(), pairs.end());
  std::vector<bool> used_o(n, false), used_r(m, false);
  int matched = 0;
  for (const auto& [cost, i, j] : pairs) {
    if (used_o[i] || used_r[j]) continue;
    used_o[i] = used_r[j] = true;
    ++matched;
  }
  return matched;
}

}  // namespace

double Match::f1() const {
  if (outputs + references == 0) return 1.0;
  return 2.0 * matched / (outputs + references);
}

double segment_distance_px(const Segment& a, const Segment& b, int w, int h) {
  auto d = [&](float ax, float ay, float bx, float by) {
    return std::hypot((ax - bx) * static_cast<double>(w), (ay - by) * static_cast<double>(h));
  };
  const double same = std::max(d(a.x0, a.y0, b.x0, b.y0), d(a.x1, a.y1, b.x1, b.y1));
  const double flip = std::max(d(a.x0, a.y0, b.x1, b.y1), d(a.x1, a.y1, b.x0, b.y0));
  return std::min(same, flip);
}

Expected<Match> match(const TaskOutput& out, const TaskOutput& ref, const MatchOptions& o) {
  if (out.kind != ref.kind) {
    return error(Code::kInvalidArgument, "cannot match a {} output against a {} reference",
                 task_name(out.kind), task_name(ref.kind));
  }
  Match m;
  std::vector<std::tuple<double, int, int>> pairs;
  if (out.kind == TaskKind::kLineSegments) {
    m.outputs = static_cast<int>(out.segments.size());
    m.references = static_cast<int>(ref.segments.size());
    for (int i = 0; i < m.outputs; ++i) {
      for (int j = 0; j < m.references; ++j) {
        const double dist = segment_distance_px(out.segments[i], ref.segments[j], o.input_w, o.input_h);
        if (dist <= o.tol_px) pairs.emplace_back(dist, i, j);
      }
    }
  } else if (out.kind == TaskKind::kFaceBoxes) {
    m.outputs = static_cast<int>(out.faces.size());
    m.references = static_cast<int>(ref.faces.size());
    for (int i = 0; i < m.outputs; ++i) {
      for (int j = 0; j < m.references; ++j) {
        const double iou = box_iou(out.faces[i], ref.faces[j]);
        if (iou >= o.iou) pairs.emplace_back(-iou, i, j);
      }
    }
  } else if (out.kind == TaskKind::kClassification) {
    m.outputs = m.references = 1;
    m.matched = !out.classes.empty() && !ref.classes.empty() && out.classes[0].cls == ref.classes[0].cls;
    return m;
  }
  m.matched = greedy(std::move(pairs), static_cast<size_t>(m.outputs), static_cast<size_t>(m.references));
  return m;
}

}  // namespace edgecut::task
