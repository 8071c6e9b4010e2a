// read_bounded_file: sizes are checked before anything is read, and every
// refusal names what the file was for and its path.
#include "common/file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace edgecut {
namespace {

TEST(ReadBoundedFile, ReadsWithinTheLimitAndRefusesTheRest) {
  const std::string dir = ::testing::TempDir();
  const std::string ok = dir + "/bounded_ok.txt", big = dir + "/bounded_big.txt";
  std::ofstream(ok) << "hello";
  std::ofstream(big) << std::string(1000, 'x');
  auto text = read_bounded_file(ok, "plan file", 5);
  ASSERT_TRUE(text) << text.status().message();
  EXPECT_EQ(*text, "hello");

  auto over = read_bounded_file(big, "plan file", 999);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.status().code(), Code::kInvalidArgument);
  EXPECT_NE(over.status().message().find("plan file '" + big + "': 1000 bytes, over the limit of 999"),
            std::string::npos)
      << over.status().message();

  auto missing = read_bounded_file(dir + "/bounded_missing.txt", "profile", 10);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_NE(missing.status().message().find("profile '"), std::string::npos);

  // An endless device is refused before a byte is read.
  auto device = read_bounded_file("/dev/zero", "calibration file", 10);
  ASSERT_FALSE(device);
  EXPECT_NE(device.status().message().find("not a regular file"), std::string::npos)
      << device.status().message();
  auto folder = read_bounded_file(dir, "calibration file", 10);
  ASSERT_FALSE(folder);
  std::filesystem::remove(ok);
  std::filesystem::remove(big);
}

}  // namespace
}  // namespace edgecut
