// Task-level fidelity: how much of a reference task output (the uncut fp32
// model's) another output keeps (docs/design.md, "Task-level fidelity").
//
//   line segments: a segment matches a reference segment when both end
//     points lie within `tol_px` model-input pixels (either orientation);
//   face boxes: a box matches when IoU >= `iou`;
//   classification: top-1 equal.
// Matching is one-to-one and greedy, closest (or most overlapping) pairs
// first. F1 = 2 * matched / (|output| + |reference|); 1 when both are empty.
// Complexity: O(n m log(n m)) for n outputs and m references.
#pragma once

#include "task/decode.h"

namespace edgecut::task {

struct MatchOptions {
  double tol_px = 3;             // segment end points, in model-input pixels
  double iou = 0.5;              // face boxes
  int input_w = 1, input_h = 1;  // model-input size: normalised -> pixels
};

struct Match {
  int matched = 0, outputs = 0, references = 0;
  double f1() const;
};

// Fails unless both outputs are of the same task.
Expected<Match> match(const TaskOutput& out, const TaskOutput& ref, const MatchOptions& o);

// The largest end-point distance in pixels of two segments (best orientation).
double segment_distance_px(const Segment& a, const Segment& b, int input_w, int input_h);

}  // namespace edgecut::task
