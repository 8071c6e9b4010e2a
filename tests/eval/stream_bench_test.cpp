// eval/stream_bench: the frame-log summary (rate, stage busy times, bound) and
// the edge:cloud speed ratio the table prints, on hand-made frame logs.
#include "eval/stream_bench.h"

#include <gtest/gtest.h>

namespace edgecut::eval {
namespace {

// A pipelined frame finished at `t` whose edge stage took `edge_ms`, upload
// [up_start, up_start + up_ms] and tail `cloud_ms` (up_bytes 0: edge-only).
runtime::FrameLog frame(double t, double edge_ms, double up_start, double up_ms, double cloud_ms,
                        int up_bytes) {
  runtime::FrameLog l;
  l.unix_s = t;
  l.edge_nodes = up_bytes > 0 ? 3 : 9;
  l.up_bytes = up_bytes;
  runtime::StreamRecord s;
  s.edge_stage_ms = edge_ms;
  s.up_start_s = up_start;
  s.up_ms = up_ms;
  s.cloud_ms = cloud_ms;
  l.stream = s;
  return l;
}

TEST(StreamBench, SummaryGivesRateStagesAndBound) {
  std::vector<runtime::FrameLog> log;
  // 11 frames 0.5 s apart, each uploading for 200 ms (no overlap).
  for (int i = 0; i <= 10; ++i) log.push_back(frame(100 + 0.5 * i, 200, 100 + 0.5 * i, 200, 100, 1000));
  log.push_back(frame(50, 1, 50, 1, 1, 1000));  // outside the window: ignored
  StreamRun r = summarise_stream_log(log, 99, 106);
  EXPECT_TRUE(r.pipelined);
  EXPECT_EQ(r.frames, 11);
  EXPECT_NEAR(r.fps, 2.0, 1e-9);
  EXPECT_NEAR(r.edge_ms, 200, 1e-9);
  EXPECT_NEAR(r.cloud_ms, 100, 1e-9);
  EXPECT_NEAR(r.up_ms, 200, 1e-9);
  EXPECT_NEAR(r.bound_fps, 5.0, 1e-9);
  EXPECT_NEAR(r.ratio, 0.4, 1e-9);
  EXPECT_EQ(r.plan, "3 edge nodes x11");
  EXPECT_EQ(r.main_plan, "3 edge nodes");
}

TEST(StreamBench, EdgeCloudRatioNeedsBothWholeModelRuns) {
  std::vector<StreamRun> runs;
  StreamBenchOptions o;
  o.models = {"zoo:googlenet"};
  o.mbps = {5};
  StreamRun edge;
  edge.model = "zoo:googlenet";
  edge.mbps = 5;
  edge.method = "edge-only";
  edge.pipelined = true;
  edge.edge_ms = 800;
  runs.push_back(edge);
  EXPECT_EQ(edge_cloud_ratio(runs, "zoo:googlenet", 5), 0);  // no cloud-only run yet
  EXPECT_EQ(describe_speed_ratios(runs, o), "");
  StreamRun cloud = edge;
  cloud.method = "cloud-only";
  cloud.edge_ms = 1;
  cloud.cloud_ms = 50;
  runs.push_back(cloud);
  EXPECT_NEAR(edge_cloud_ratio(runs, "zoo:googlenet", 5), 16.0, 1e-9);
  EXPECT_EQ(edge_cloud_ratio(runs, "zoo:googlenet", 50), 0);
  EXPECT_NE(describe_speed_ratios(runs, o).find("16.0x"), std::string::npos);
  EXPECT_NE(describe_stream_table(runs, o).find("edge:cloud speed ratio"), std::string::npos);
}

TEST(StreamBench, TableSaysWhenOursRanTheBestBaselinesPlan) {
  StreamBenchOptions o;
  o.models = {"m"};
  o.mbps = {5};
  o.methods = {"dads", "ours"};
  auto run = [](const std::string& method, double fps, const std::string& plan) {
    StreamRun r;
    r.model = "m";
    r.mbps = 5;
    r.method = method;
    r.fps = fps;
    r.main_plan = plan;
    return r;
  };
  const std::string same =
      describe_stream_table({run("dads", 2.0, "9 edge nodes"), run("ours", 1.9, "9 edge nodes")}, o);
  EXPECT_NE(same.find("0.95x"), std::string::npos) << same;
  EXPECT_NE(same.find("ours ran the best baseline's plan"), std::string::npos) << same;
  const std::string other =
      describe_stream_table({run("dads", 2.0, "9 edge nodes"), run("ours", 3.0, "4 edge nodes")}, o);
  EXPECT_NE(other.find("1.50x"), std::string::npos) << other;
  EXPECT_EQ(other.find("best baseline's plan"), std::string::npos) << other;
}

}  // namespace
}  // namespace edgecut::eval
