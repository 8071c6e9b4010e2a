#include "common/units.h"

#include <gtest/gtest.h>

namespace edgecut {
namespace {

TEST(Units, BandwidthAsPeopleWriteIt) {
  EXPECT_DOUBLE_EQ(*parse_bandwidth_bps("10Mbps"), 10e6);
  EXPECT_DOUBLE_EQ(*parse_bandwidth_bps("10 Mbit/s"), 10e6);
  EXPECT_DOUBLE_EQ(*parse_bandwidth_bps("0.1Mbps"), 1e5);
  EXPECT_DOUBLE_EQ(*parse_bandwidth_bps("300kbps"), 3e5);
  EXPECT_DOUBLE_EQ(*parse_bandwidth_bps("1Gbps"), 1e9);
  EXPECT_DOUBLE_EQ(*parse_bandwidth_bps("2MB/s"), 16e6);
  EXPECT_DOUBLE_EQ(*parse_bandwidth_bps("125000B/s"), 1e6);
}

TEST(Units, ABareNumberIsRefusedWithTheUnits) {
  // "--bandwidth 10" used to plan for 10 bit/s (edge-only) without a word.
  for (const char* bare : {"10", "5000", " 2.5 "}) {
    auto r = parse_bandwidth_bps(bare);
    ASSERT_FALSE(r.has_value()) << bare;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("needs a unit"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("Mbps"), std::string::npos) << r.status().message();
  }
}

TEST(Units, BadBandwidthsAreRefusedClearly) {
  for (const char* bad :
       {"", "fast", "-5Mbps", "0Mbps", "0", "10 Mbbps", "10furlongs", "nan", "inf", "1e999Mbps"}) {
    auto r = parse_bandwidth_bps(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_FALSE(r.status().message().empty());
  }
  EXPECT_NE(parse_bandwidth_bps("10 Mbbps").status().message().find("Mbbps"), std::string::npos);
}

TEST(Units, Durations) {
  EXPECT_DOUBLE_EQ(*parse_duration_ms("20ms"), 20);
  EXPECT_DOUBLE_EQ(*parse_duration_ms("150us"), 0.15);
  EXPECT_DOUBLE_EQ(*parse_duration_ms("1.5s"), 1500);
  EXPECT_DOUBLE_EQ(*parse_duration_ms("10m"), 600e3);
  EXPECT_DOUBLE_EQ(*parse_duration_ms("2min"), 120e3);
  EXPECT_DOUBLE_EQ(*parse_duration_ms("0.5h"), 1800e3);
  EXPECT_DOUBLE_EQ(*parse_duration_ms("0ms"), 0);
  EXPECT_FALSE(parse_duration_ms("20").has_value());
  EXPECT_FALSE(parse_duration_ms("-1ms").has_value());
  EXPECT_FALSE(parse_duration_ms("1 fortnight").has_value());
}

TEST(Units, Ranges) {
  auto r = parse_bandwidth_range("0.1Mbps:1Gbps");
  ASSERT_TRUE(r.has_value());
  EXPECT_DOUBLE_EQ(r->lo_bps, 1e5);
  EXPECT_DOUBLE_EQ(r->hi_bps, 1e9);
  EXPECT_FALSE(parse_bandwidth_range("1Gbps:1Mbps").has_value());
  EXPECT_FALSE(parse_bandwidth_range("1Gbps").has_value());
}

}  // namespace
}  // namespace edgecut
