// The task decoders on hand-made tensors whose answer is known by
// construction, and the task metrics (task/decode.h, task/metrics.h).
#include "task/decode.h"

#include <gtest/gtest.h>

#include <cmath>

#include "task/metrics.h"

namespace edgecut::task {
namespace {

exec::Tensor zeros(const std::string& name, std::vector<int64_t> shape) {
  return *exec::Tensor::make(name, graph::DType::kFloat, std::move(shape));
}

TEST(Mlsd, CellAboveThresholdIsOneSegmentFromItsOffsets) {
  exec::Tensor s = zeros("scores", {1, 4, 8, 1}), o = zeros("offsets", {1, 4, 8, 4});
  s.as_mutable<float>()[1 * 8 + 3] = 0.5f;   // cell x=3, y=1
  s.as_mutable<float>()[2 * 8 + 5] = 0.05f;  // below the 0.1 threshold
  float* d = &o.as_mutable<float>()[4 * (1 * 8 + 3)];
  d[0] = -2, d[1] = 0.5f, d[2] = 4, d[3] = -1;
  LineSegmentsTask t;
  auto seg = decode_mlsd(s, o, t, 16, 8);
  ASSERT_TRUE(seg) << seg.status().to_string();
  ASSERT_EQ(seg->size(), 1u);
  EXPECT_FLOAT_EQ((*seg)[0].x0, 1.0f / 8);
  EXPECT_FLOAT_EQ((*seg)[0].y0, 1.5f / 4);
  EXPECT_FLOAT_EQ((*seg)[0].x1, 7.0f / 8);
  EXPECT_FLOAT_EQ((*seg)[0].y1, 0.0f);
  EXPECT_FLOAT_EQ((*seg)[0].score, 0.5f);
  t.min_length = 100;  // the segment is ~12 input pixels long
  EXPECT_TRUE(decode_mlsd(s, o, t, 16, 8)->empty());
}

TEST(Mlsd, MisshapedMapsAreNamed) {
  exec::Tensor s = zeros("scores", {1, 4, 8, 1}), o = zeros("offsets", {1, 4, 4, 4});
  auto r = decode_mlsd(s, o, {}, 16, 8);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("offsets"), std::string::npos) << r.status().message();
}

// One layer of 2x2 cells, one anchor each; logits so that sigmoid is known.
struct FaceLayer {
  exec::Tensor s = zeros("s", {1, 4, 1}), b = zeros("b", {1, 4, 16});
  void set(int i, float logit, float x, float y, float w, float h) {
    s.as_mutable<float>()[i] = logit;
    float* p = &b.as_mutable<float>()[16 * i];
    p[0] = x, p[1] = y, p[2] = w, p[3] = h;
  }
};

TEST(BlazeFace, OverlappingCandidatesBlendByScore) {
  FaceLayer l;
  // Anchors at (0.25, 0.25), (0.75, 0.25), ... of a 100-pixel input.
  l.set(0, std::log(0.9f / 0.1f), 0, 0, 40, 40);    // centre (0.25, 0.25), score 0.9
  l.set(1, std::log(0.8f / 0.2f), -46, 4, 40, 40);  // centre (0.29, 0.29): overlaps the first
  l.set(3, std::log(0.85f / 0.15f), 0, 0, 20, 20);  // far away: a face of its own
  l.set(2, -5, 0, 0, 40, 40);                       // below the threshold
  FaceBoxesTask t;
  t.layers = {{2, 1, "s", "b"}};
  t.threshold = 0.5f;
  auto f = decode_blazeface({&l.s}, {&l.b}, t, 100);
  ASSERT_TRUE(f) << f.status().to_string();
  ASSERT_EQ(f->size(), 2u);
  const Face& a = (*f)[0];  // highest score first
  EXPECT_NEAR(a.score, 0.9f, 1e-6);
  EXPECT_NEAR(a.cx, (0.25 * 0.9 + 0.29 * 0.8) / 1.7, 1e-6);
  EXPECT_NEAR(a.cy, (0.25 * 0.9 + 0.29 * 0.8) / 1.7, 1e-6);
  EXPECT_NEAR(a.w, 0.4, 1e-6);
  EXPECT_NEAR((*f)[1].cx, 0.75, 1e-6);
  EXPECT_NEAR((*f)[1].w, 0.2, 1e-6);
  t.iou = 0.99f;  // no longer overlapping enough: three faces
  EXPECT_EQ(decode_blazeface({&l.s}, {&l.b}, t, 100)->size(), 3u);
}

TEST(BlazeFace, WrongTensorCountOrShapeIsAnError) {
  FaceLayer l;
  FaceBoxesTask t;
  t.layers = {{3, 1, "s", "b"}};  // 9 anchors, the tensors hold 4
  auto r = decode_blazeface({&l.s}, {&l.b}, t, 100);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("1x9x1"), std::string::npos) << r.status().message();
  EXPECT_FALSE(decode_blazeface({}, {}, t, 100));
}

TEST(Metrics, SegmentsMatchWithinTolerance) {
  TaskOutput ref, out;
  ref.kind = out.kind = TaskKind::kLineSegments;
  ref.segments = {{0.1f, 0.1f, 0.5f, 0.1f, 1}, {0.2f, 0.8f, 0.2f, 0.3f, 1}};
  // The first reversed and 2 px off at 100 px; the second 10 px off; an extra one.
  out.segments = {{0.5f, 0.12f, 0.1f, 0.1f, 1}, {0.3f, 0.8f, 0.2f, 0.3f, 1}, {0.9f, 0.9f, 0.95f, 0.95f, 1}};
  MatchOptions o;
  o.input_w = o.input_h = 100;
  auto m = match(out, ref, o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->matched, 1);
  EXPECT_DOUBLE_EQ(m->f1(), 2.0 / 5);
  EXPECT_DOUBLE_EQ(match(ref, ref, o)->f1(), 1.0);
  TaskOutput none;
  none.kind = TaskKind::kLineSegments;
  EXPECT_DOUBLE_EQ(match(none, none, o)->f1(), 1.0);
  EXPECT_DOUBLE_EQ(match(none, ref, o)->f1(), 0.0);
}

TEST(Metrics, BoxesMatchAtIouHalfAndKindsMustAgree) {
  TaskOutput ref, out;
  ref.kind = out.kind = TaskKind::kFaceBoxes;
  Face a;
  a.cx = a.cy = 0.5f, a.w = a.h = 0.2f;
  Face b = a;
  b.cx += 0.05f;  // IoU 0.6
  Face c = a;
  c.cx += 0.1f;  // IoU 1/3
  ref.faces = {a};
  out.faces = {b};
  EXPECT_DOUBLE_EQ(match(out, ref, {})->f1(), 1.0);
  out.faces = {c};
  EXPECT_DOUBLE_EQ(match(out, ref, {})->f1(), 0.0);
  TaskOutput seg;
  seg.kind = TaskKind::kLineSegments;
  EXPECT_FALSE(match(seg, ref, {}));
}

TEST(TopK, OrdersByScoreTiesToTheLowerClass) {
  auto t = *exec::Tensor::from_floats("p", {1, 5}, std::vector<float>{0.1f, 0.7f, 0.7f, 0.05f, 0.9f});
  auto k = decode_top_k(t, 3);
  ASSERT_TRUE(k);
  ASSERT_EQ(k->size(), 3u);
  EXPECT_EQ((*k)[0].cls, 4);
  EXPECT_EQ((*k)[1].cls, 1);
  EXPECT_EQ((*k)[2].cls, 2);
}

}  // namespace
}  // namespace edgecut::task
