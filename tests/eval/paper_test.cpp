// eval/paper: the report machinery and E3 (offline) on small zoo models,
// the chart and CSV writers.
#include "eval/paper.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eval/paper_chart.h"
#include "zoo_model.h"

namespace edgecut::eval {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  return d.string();
}

TEST(Paper, E3WritesItsCsvFigureAndReportSection) {
  PaperOptions o;
  o.out_dir = temp_dir("edgecut-paper-e3");
  o.quick = true;
  o.models = {"zoo:googlenet", "zoo:resnet18"};
  o.command = "edgecut bench paper E3 --quick";
  o.load = [](const std::string& spec) -> Expected<graph::Model> {
    return edgecut::testing::zoo_model(spec.substr(4));
  };
  std::ostringstream progress;
  ASSERT_TRUE(run_paper(o, {"E3"}, progress).is_ok()) << progress.str();
  const std::string csv = slurp(o.out_dir + "/e3_decision_time.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;  // header + 2 models
  EXPECT_NE(csv.find("zoo:googlenet"), std::string::npos);
  const std::string svg = slurp(o.out_dir + "/e3_decision_time.svg");
  for (const char* want : {"<svg", "</svg>", "model size (nodes) (log scale)", "qdmp re-decision (warm)",
                           "whole-graph min-cut (dads-fixed)", "envelope lookup"}) {
    EXPECT_NE(svg.find(want), std::string::npos) << want;
  }
  const std::string report = slurp(o.out_dir + "/report.md");
  for (const char* want : {"Command: `edgecut bench paper E3 --quick`", "Machine: CPU", "## E3",
                           "At the largest size", "![e3_decision_time.svg]"}) {
    EXPECT_NE(report.find(want), std::string::npos) << want;
  }
  EXPECT_FALSE(run_paper(o, {"E9"}, progress).is_ok());
  std::filesystem::remove_all(o.out_dir);
}

TEST(Paper, ChartAndCsvWriters) {
  const std::string dir = temp_dir("edgecut-paper-chart");
  std::filesystem::create_directories(dir);
  Chart c;
  c.title = "t";
  c.x_label = "uplink (Mbit/s)";
  c.y_label = "latency (ms)";
  c.log_x = c.log_y = true;
  ChartSeries s{"a & b"};
  s.x = {0.13, 1.1, 5.85, 18.88};
  s.y = {900, 120, 40, -1};  // -1: no point on a log axis
  s.lo = {800, 100, 30, 0};
  s.hi = {1000, 140, 50, 0};
  c.series = {s};
  ASSERT_TRUE(write_chart(dir + "/c.svg", c).is_ok());
  const std::string svg = slurp(dir + "/c.svg");
  EXPECT_NE(svg.find("a &amp; b"), std::string::npos);
  EXPECT_EQ(std::count(svg.begin(), svg.end(), 'c') > 0, true);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_NE(svg.find(">100<"), std::string::npos);  // a decade tick on the log y axis
  ASSERT_TRUE(write_csv(dir + "/t.csv", {"a", "b"}, {{"1", "x,y"}, {"2", "say \"hi\""}}).is_ok());
  EXPECT_EQ(slurp(dir + "/t.csv"), "a,b\n1,\"x,y\"\n2,\"say \"\"hi\"\"\"\n");
  EXPECT_EQ(num(0.000123456789), "0.000123457");
  EXPECT_EQ(num(NAN), "");
  EXPECT_FALSE(write_chart("/nonexistent/dir/c.svg", c).is_ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace edgecut::eval
