#include "lab/trace.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "lab/trace_replay.h"

namespace edgecut {
namespace {

double total_bits(const RateTrace& t) { return std::accumulate(t.bps.begin(), t.bps.end(), 0.0) * t.step_s; }

TEST(Trace, MahimahiBinsOpportunitiesAndRepeats) {
  // 100 ms steps; stamps 50, 100 -> step 0; 150 x3 -> step 1; 200 is the period.
  auto t = parse_mahimahi("50\n100\n150\n150\n150\n200\n", "x.trace");
  ASSERT_TRUE(t) << t.status().to_string();
  ASSERT_EQ(t->bps.size(), 2u);
  EXPECT_DOUBLE_EQ(t->bps[0], 2 * 1500 * 8 / 0.1);
  EXPECT_DOUBLE_EQ(t->bps[1], 4 * 1500 * 8 / 0.1);
  EXPECT_DOUBLE_EQ(t->duration_s(), 0.2);
  // Looping: 0.25 s is step 0 of the second pass.
  EXPECT_DOUBLE_EQ(t->rate_at(0.25), t->bps[0]);
  EXPECT_DOUBLE_EQ(t->rate_at(0.35), t->bps[1]);
  EXPECT_DOUBLE_EQ(t->mean_bps(0.1, 0.3), (t->bps[0] + t->bps[1]) / 2);
}

TEST(Trace, BadLinesNameTheFileAndLine) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {{"10\n20\nabc\n", "x.trace:3"},
               {"10\n5\n", "x.trace:2"},
               {"-4\n", "x.trace:1"},
               {"0\n", "period"},
               {"", "no delivery"},
               {"10\n99999999999\n", "24 h"}};
  for (const Case& c : cases) {
    auto t = parse_mahimahi(c.text, "x.trace");
    ASSERT_FALSE(t) << c.text;
    EXPECT_NE(t.status().message().find(c.want), std::string::npos) << t.status().message();
  }
  struct CsvCase {
    const char* text;
    const char* want;
  } csv[] = {{"t_s,mbps\n0,1\n1,x\n", "r.csv:3"},
             {"1,2\n", "t_s = 0"},
             {"0,1\n0,2\n", "increase"},
             {"0,-1\n", "outside"},
             {"0,1\n5\n", "r.csv:2"},
             {"# only\n", "no t_s,mbps"}};
  for (const CsvCase& c : csv) {
    auto t = parse_rate_csv(c.text, "r.csv");
    ASSERT_FALSE(t) << c.text;
    EXPECT_NE(t.status().message().find(c.want), std::string::npos) << t.status().message();
  }
  EXPECT_FALSE(parse_mahimahi("10\n", "x", 0.0));  // step outside [1 ms, 10 s]
}

TEST(Trace, CsvResamplesTimeWeighted) {
  auto t = parse_rate_csv("t_s,mbps\n# comment\n0,2\n0.15,4\n\n0.3,1\n", "r.csv");
  ASSERT_TRUE(t) << t.status().to_string();
  // Rows last 0.15 s each; the last lasts as long as the gap before it.
  ASSERT_EQ(t->bps.size(), 5u);  // 0.45 s -> 5 steps (the last one half used)
  EXPECT_NEAR(t->bps[0], 2e6, 1);
  EXPECT_NEAR(t->bps[1], 3e6, 1);  // half 2, half 4
  EXPECT_NEAR(t->bps[2], 4e6, 1);
  EXPECT_NEAR(t->bps[3], 1e6, 1);
}

TEST(Trace, GeneratorIsSeededBoundedAndHasOutages) {
  CellularOptions o;
  o.seed = 7;
  o.duration_s = 600;
  auto a = generate_cellular(o), b = generate_cellular(o);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->bps, b->bps);
  o.seed = 8;
  auto c = generate_cellular(o);
  ASSERT_TRUE(c);
  EXPECT_NE(a->bps, c->bps);
  ASSERT_EQ(a->bps.size(), 6000u);
  int outage = 0, low = 0, high = 0;
  for (double r : a->bps) {
    if (r == 0) {
      ++outage;
      continue;
    }
    EXPECT_GE(r, 0.1e6);
    EXPECT_LE(r, 15e6);
    low += r < 1e6;
    high += r > 8e6;
  }
  // The chain visits every regime over ten minutes; outages near 4%.
  EXPECT_GT(outage, 60);
  EXPECT_LT(outage, 600);
  EXPECT_GT(low, 100);
  EXPECT_GT(high, 100);
  o.outage_share = 0;
  auto none = generate_cellular(o);
  ASSERT_TRUE(none);
  EXPECT_GT(none->min_bps(), 0);
  o.min_mbps = 20;
  EXPECT_FALSE(generate_cellular(o));
}

TEST(Trace, RoundTripsThroughBothFormats) {
  CellularOptions o;
  o.seed = 3;
  o.duration_s = 30;
  auto g = generate_cellular(o);
  ASSERT_TRUE(g);
  g->bps.back() = 5e6;  // the mahimahi period needs an opportunity in the last step
  auto m = parse_mahimahi(to_mahimahi(*g), "rt.trace");
  ASSERT_TRUE(m) << m.status().to_string();
  ASSERT_EQ(m->bps.size(), g->bps.size());
  for (size_t k = 0; k < g->bps.size(); ++k) {
    EXPECT_NEAR(m->bps[k], g->bps[k], 1500 * 8 / 0.1 + 1) << k;  // within one packet per step
  }
  EXPECT_NEAR(total_bits(*m), total_bits(*g), 1500 * 8 + 1);
  auto c = parse_rate_csv(to_rate_csv(*g), "rt.csv");
  ASSERT_TRUE(c) << c.status().to_string();
  ASSERT_EQ(c->bps.size(), g->bps.size());
  for (size_t k = 0; k < g->bps.size(); ++k) EXPECT_NEAR(c->bps[k], g->bps[k], 1.0) << k;
}

TEST(Trace, PresetsAndArguments) {
  auto p = trace_arg("preset:4g");
  ASSERT_TRUE(p) << p.status().to_string();
  EXPECT_NEAR(p->mean_bps(), 5.85e6, 1);
  EXPECT_DOUBLE_EQ(p->duration_s(), 60);
  auto bad = trace_arg("preset:5g");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("cat1, 3g, 4g, wifi"), std::string::npos);
  auto g = trace_arg("gen:5");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->name, "gen:5");
  EXPECT_FALSE(trace_arg("gen:x"));
  EXPECT_FALSE(trace_arg("/nonexistent/up.trace"));
}

// plan_steps: the trace's own rates at its steps, floored where tbf cannot
// go, only where they change.
TEST(Trace, ReplayPlanFollowsTheTraceAndFloorsOutages) {
  RateTrace t;
  t.bps = {2e6, 2e6, 0, 5e6, 1e3};
  auto steps = plan_steps(t, nullptr, 50e6);
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_DOUBLE_EQ(steps[0].t_s, 0);
  EXPECT_DOUBLE_EQ(steps[0].up_bps, 2e6);
  EXPECT_DOUBLE_EQ(steps[1].t_s, 0.2);
  EXPECT_DOUBLE_EQ(steps[1].up_bps, kShapedFloorBps);
  EXPECT_DOUBLE_EQ(steps[2].up_bps, 5e6);
  EXPECT_DOUBLE_EQ(steps[3].up_bps, kShapedFloorBps);
  for (const auto& s : steps) EXPECT_DOUBLE_EQ(s.down_bps, 50e6);
  // A downlink trace twice as long: the pass lasts it, the uplink loops.
  RateTrace d;
  d.bps.assign(10, 1e6);
  d.bps[7] = 3e6;
  auto both = plan_steps(t, &d, 0);
  // up by step (looping): 2 2 F 5 F | 2 2 F 5 F; down: 1 x7, 3, 1, 1 (Mbit/s).
  ASSERT_EQ(both.size(), 8u);
  EXPECT_DOUBLE_EQ(both[4].t_s, 0.5);
  EXPECT_DOUBLE_EQ(both[4].up_bps, 2e6);
  EXPECT_DOUBLE_EQ(both[5].t_s, 0.7);
  EXPECT_DOUBLE_EQ(both[5].down_bps, 3e6);
  EXPECT_DOUBLE_EQ(both.back().t_s, 0.9);
}

}  // namespace
}  // namespace edgecut
