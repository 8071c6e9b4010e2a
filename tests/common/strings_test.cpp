#include "common/strings.h"

#include <gtest/gtest.h>

namespace edgecut {
namespace {

using List = std::vector<std::string>;

TEST(SplitList, DropsEmptyItemsByDefault) {
  EXPECT_EQ(split_list("isolated,layerwise,segment"), (List{"isolated", "layerwise", "segment"}));
  EXPECT_EQ(split_list("a,,b,"), (List{"a", "b"}));
  EXPECT_TRUE(split_list("").empty());
  EXPECT_EQ(split_list("a;b", ';'), (List{"a", "b"}));
}

TEST(SplitList, KeepsEmptyItemsWhenAsked) {
  EXPECT_EQ(split_list("qdmp,,brute,", ',', true), (List{"qdmp", "", "brute", ""}));
  EXPECT_EQ(split_list("", ',', true), (List{""}));
}

}  // namespace
}  // namespace edgecut
