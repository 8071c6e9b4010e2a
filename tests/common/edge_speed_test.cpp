#include "common/edge_speed.h"

#include <gtest/gtest.h>

namespace edgecut {
namespace {

TEST(EdgeSpeed, ParsesTheThreeFormsAndNamesThePresets) {
  for (const char* s : {"10x", "10", "1:10", "10X"}) {
    auto e = parse_edge_speed(s);
    ASSERT_TRUE(e) << s;
    EXPECT_DOUBLE_EQ(e->ratio, 10);
    EXPECT_DOUBLE_EQ(e->edge_fraction(), 0.1);
    EXPECT_EQ(e->label(), "10x");
  }
  EXPECT_EQ(parse_edge_speed("2.5x")->label(), "2.5x");
  ASSERT_EQ(edge_speed_presets().size(), 3u);
  EXPECT_EQ(edge_speed_presets()[2].label(), "30x");
  EXPECT_NEAR(edge_speed_presets()[2].edge_fraction(), 1.0 / 30, 1e-12);
}

TEST(EdgeSpeed, RejectsWhatIsNotARatio) {
  for (const char* s : {"", "x", "0.5x", "101x", "fast", "10xx", "nan"}) {
    auto e = parse_edge_speed(s);
    ASSERT_FALSE(e) << s;
    EXPECT_EQ(e.status().code(), Code::kInvalidArgument);
    EXPECT_NE(e.status().message().find("5x, 10x, 30x"), std::string::npos);
  }
}

}  // namespace
}  // namespace edgecut
