// runtime/frame_log + frame_report: the one log schema, read back strictly,
// and the one summary both frame loops use.
#include "runtime/frame_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/frame_log.h"

namespace edgecut::runtime {
namespace {

FrameLog sample(int64_t i, bool stream) {
  FrameLog l;
  l.frame = i;
  l.plan = 2;
  l.origin = "qdmp";
  l.edge_nodes = 7;
  l.est_bps = 5e6;
  l.pred.total_ms = 100;
  l.total_ms = 110 + static_cast<double>(i);
  l.up_ms = 20;
  l.up_bytes = 1000;
  l.compute_ms = 5;
  l.encodings = {"int8"};
  l.unix_s = 1000 + static_cast<double>(i);
  if (stream) {
    StreamRecord s;
    s.seq = i;
    s.edge_stage_ms = 50;
    s.up_start_s = static_cast<double>(i);
    s.up_ms = 20;
    l.stream = s;
  }
  return l;
}

TEST(FrameLog, RoundTripsBothModes) {
  for (bool stream : {false, true}) {
    const FrameLog a = sample(3, stream);
    auto b = FrameLog::from_json(a.to_json(), "x");
    ASSERT_TRUE(b) << b.status().message();
    EXPECT_EQ(b->to_json(), a.to_json());
    EXPECT_EQ(b->stream.has_value(), stream);
  }
}

TEST(FrameLog, AMissingOrRenamedFieldIsAnErrorNotAZero) {
  nlohmann::json j = sample(1, true).to_json();
  j.erase("total_ms");
  auto r = FrameLog::from_json(j, "log.jsonl:4");
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("log.jsonl:4"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("'total_ms' missing"), std::string::npos) << r.status().message();

  j = sample(1, true).to_json();
  j["stream"]["edge_ms"] = j["stream"]["edge_stage_ms"];  // a renamed field
  j["stream"].erase("edge_stage_ms");
  r = FrameLog::from_json(j, "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("edge_stage_ms"), std::string::npos) << r.status().message();

  j = sample(1, false).to_json();
  j["fallback"] = "no";
  r = FrameLog::from_json(j, "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("wrong type"), std::string::npos) << r.status().message();
}

TEST(FrameLog, ReadsAFileAndDropsOnlyAnUnfinishedLastLine) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("edgecut_framelog_" + std::to_string(::getpid()))).string();
  {
    std::ofstream f(path);
    for (int i = 0; i < 3; ++i) f << sample(i, false).to_json().dump() << "\n";
    f << "{\"frame\": 3, \"t_s\"";  // the writer was stopped mid-line
  }
  auto log = read_frame_log(path);
  ASSERT_TRUE(log) << log.status().message();
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[2].frame, 2);
  {
    std::ofstream f(path, std::ios::app);
    f << "\n";  // now a complete, bad line
  }
  auto bad = read_frame_log(path);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find(path + ":4"), std::string::npos) << bad.status().message();
  std::filesystem::remove(path);
}

TEST(SummaryBuilder, StreamFramesGetThePredictionErrorToo) {
  // The stream summary used to print "mean |error| 0.0%" whatever happened.
  SummaryBuilder b;
  for (int i = 0; i < 4; ++i) b.add(sample(i, true));
  FrameLog fell = sample(4, true);
  fell.fallback = true;
  fell.total_ms = 1000;
  b.add(fell);
  const RunSummary s = b.finish(2.0, 0, true, 5);
  EXPECT_EQ(s.frames, 5);
  EXPECT_EQ(s.fallbacks, 1);
  // Frames 0..3: |110+i - 100| / (110+i), the fallen-back frame left out.
  double want = 0;
  for (int i = 0; i < 4; ++i) want += (10.0 + i) / (110.0 + i) * 100;
  EXPECT_NEAR(s.mean_abs_err_pct, want / 4, 1e-9);
  EXPECT_GT(s.mean_abs_err_pct, 0);
  EXPECT_TRUE(s.stream);
  EXPECT_NEAR(s.edge_busy_s, 0.25, 1e-9);
  EXPECT_NEAR(s.up_busy_s, 4 * 0.02, 1e-9);  // four uploads of 20 ms, the fallen-back one not
  EXPECT_EQ(s.plans.at("qdmp (7 edge nodes)"), 5);
}

TEST(SummaryBuilder, UnionOfIntervals) {
  EXPECT_DOUBLE_EQ(union_length({}), 0);
  EXPECT_DOUBLE_EQ(union_length({{0, 1}, {0.5, 2}, {3, 4}}), 3);
}

}  // namespace
}  // namespace edgecut::runtime
