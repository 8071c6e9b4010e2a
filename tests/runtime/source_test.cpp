// Frame sources: a real video file (opencv-doc's vtest.avi), errors that name
// what failed, a damaged file, the synthetic pattern, and the spec factory.
#include "runtime/source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "common/hash.h"

namespace edgecut::runtime {
namespace {

namespace fs = std::filesystem;

// Shipped by Debian's opencv-doc (not compressed): 795 frames of 768x576 at 10 fps.
constexpr const char* kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";

#define SKIP_WITHOUT_VTEST()                                                                  \
  if (!fs::exists(kVtest)) {                                                                  \
    GTEST_SKIP() << kVtest << " is missing: install the opencv-doc package to run this test"; \
  }

// A fresh directory for files a test writes, removed with the fixture.
class SourceFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("edgecut_source_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// Reads a source to its end (at most `cap` frames, so a bug cannot hang the test).
std::vector<Frame> read_all(FrameSource& src, int cap = 3000) {
  std::vector<Frame> frames;
  for (int i = 0; i < cap; ++i) {
    auto f = src.next();
    EXPECT_TRUE(f) << f.status().to_string();
    if (!f || !*f) break;
    frames.push_back(std::move(**f));
  }
  return frames;
}

bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

TEST(VideoFile, VtestReadsToTheEnd) {
  SKIP_WITHOUT_VTEST();
  auto src = make_source(kVtest);
  ASSERT_TRUE(src) << src.status().to_string();
  FrameSource& s = **src;
  EXPECT_EQ(s.name(), kVtest);
  EXPECT_DOUBLE_EQ(s.fps(), 10.0);
  EXPECT_FALSE(s.live());
  const std::vector<Frame> frames = read_all(s);
  EXPECT_GE(frames.size(), 700u);
  EXPECT_LT(frames.size(), 3000u) << "the stream never ended";
  for (size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(frames[i].bgr.cols, 768) << "frame " << i;
    ASSERT_EQ(frames[i].bgr.rows, 576) << "frame " << i;
    ASSERT_EQ(frames[i].bgr.type(), CV_8UC3);
    ASSERT_EQ(frames[i].index, static_cast<int64_t>(i));
  }
  EXPECT_DOUBLE_EQ(frames[20].time_s, 2.0);
  EXPECT_FALSE(same_pixels(frames[0].bgr, frames[20].bgr)) << "people walk in vtest.avi";
  EXPECT_EQ(s.skipped(), 0);
  // The end stays the end.
  auto again = s.next();
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_value());
}

TEST(VideoFile, FrameLimit) {
  SKIP_WITHOUT_VTEST();
  auto limited = make_source(kVtest, {.max_frames = 5});
  ASSERT_TRUE(limited);
  EXPECT_EQ(read_all(**limited).size(), 5u);
}

// Writes `n` synthetic 64x48 frames as Motion JPEG at 25 fps (FFmpeg's
// encoder, which Debian's OpenCV always has).
void write_clip(const fs::path& path, int n) {
  cv::VideoWriter w(path.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25, cv::Size(64, 48));
  ASSERT_TRUE(w.isOpened()) << path;
  for (int i = 0; i < n; ++i) w.write(synthetic_frame(i, 64, 48));
}

TEST_F(SourceFiles, FileEndsOrLoops) {
  const fs::path clip = dir_ / "clip.avi";
  write_clip(clip, 10);
  auto once = make_source(clip.string());
  ASSERT_TRUE(once) << once.status().to_string();
  EXPECT_DOUBLE_EQ((*once)->fps(), 25.0);
  const std::vector<Frame> plain = read_all(**once);
  ASSERT_EQ(plain.size(), 10u);
  EXPECT_DOUBLE_EQ(plain[5].time_s, 0.2);

  // With loop, frame 10 is frame 0 again and indices keep counting.
  auto looped = make_source(clip.string(), {.max_frames = 23, .loop = true});
  ASSERT_TRUE(looped);
  const std::vector<Frame> frames = read_all(**looped);
  ASSERT_EQ(frames.size(), 23u);
  EXPECT_TRUE(same_pixels(frames[10].bgr, frames[0].bgr));
  EXPECT_TRUE(same_pixels(frames[22].bgr, frames[2].bgr));
  EXPECT_FALSE(same_pixels(frames[10].bgr, frames[9].bgr));
  EXPECT_EQ(frames[22].index, 22);
}

TEST(VideoFile, MissingFileIsNamed) {
  auto src = make_source("/nonexistent/dir/clip.mp4");
  ASSERT_FALSE(src);
  EXPECT_EQ(src.status().code(), Code::kNotFound);
  EXPECT_NE(src.status().message().find("/nonexistent/dir/clip.mp4"), std::string::npos)
      << src.status().message();
}

TEST_F(SourceFiles, NonVideoFileIsNamed) {
  const fs::path txt = dir_ / "notes.txt";
  std::ofstream(txt) << "not a video, just some text\n";
  auto src = make_source(txt.string());
  ASSERT_FALSE(src);
  EXPECT_EQ(src.status().code(), Code::kUnsupported);
  EXPECT_NE(src.status().message().find(txt.string()), std::string::npos) << src.status().message();

  auto dir = make_source(dir_.string());
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.status().message().find(dir_.string()), std::string::npos) << dir.status().message();
}

// vtest.avi with stretches of its first half overwritten: reading across
// them must not crash or fail; whatever the decoder cannot use is skipped (or
// concealed by FFmpeg), and the frames that come out are whole. 450 frames
// cover the damage and keep the test short.
TEST_F(SourceFiles, DamagedVideoReadsWithoutFailing) {
  SKIP_WITHOUT_VTEST();
  const fs::path copy = dir_ / "damaged.avi";
  fs::copy_file(kVtest, copy);
  const auto size = static_cast<std::streamoff>(fs::file_size(copy));
  {
    std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(32 * 1024, '\xA5');
    for (int i = 1; i <= 3; ++i) {
      f.seekp(size * i / 8);
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  }
  auto src = make_source(copy.string(), {.max_frames = 450});
  ASSERT_TRUE(src) << src.status().to_string();
  const std::vector<Frame> frames = read_all(**src);
  EXPECT_GE(frames.size(), 400u);
  for (const Frame& f : frames) {
    ASSERT_EQ(f.bgr.size(), cv::Size(768, 576));
    ASSERT_EQ(f.bgr.type(), CV_8UC3);
  }
  std::cout << "damaged vtest.avi: " << frames.size() << " frames, " << (*src)->skipped() << " skipped\n";
}

TEST(CameraSpec, BadSpecsAreRefused) {
  for (const char* spec : {"camera:", "camera:x", "camera:-1", "camera:1x"}) {
    auto src = make_source(spec);
    ASSERT_FALSE(src) << spec;
    EXPECT_EQ(src.status().code(), Code::kInvalidArgument) << spec;
    EXPECT_NE(src.status().message().find(spec), std::string::npos) << src.status().message();
  }
  EXPECT_FALSE(make_source(""));
  EXPECT_FALSE(make_source("synthetic", {.max_frames = -1}));
}

TEST(CameraSpec, MissingCameraIsNamed) {
  auto src = make_source("camera:97");
  ASSERT_FALSE(src);
  EXPECT_NE(src.status().message().find("camera:97"), std::string::npos) << src.status().message();
}

uint64_t fnv1a(const cv::Mat& m) {
  Fnv1a h;
  for (int y = 0; y < m.rows; ++y) h.update(m.ptr<uint8_t>(y), m.cols * m.elemSize());
  return h.value();
}

TEST(Synthetic, DeterministicMovingPattern) {
  auto a = make_source("synthetic", {.max_frames = 40});
  auto b = make_source("synthetic", {.max_frames = 40});
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*a)->name(), "synthetic");
  EXPECT_GT((*a)->fps(), 0);
  EXPECT_FALSE((*a)->live());
  const std::vector<Frame> fa = read_all(**a), fb = read_all(**b);
  ASSERT_EQ(fa.size(), 40u);
  ASSERT_EQ(fb.size(), 40u);
  for (size_t i = 0; i < fa.size(); ++i) {
    ASSERT_EQ(fa[i].bgr.size(), cv::Size(640, 480));
    ASSERT_EQ(fa[i].bgr.type(), CV_8UC3);
    EXPECT_TRUE(same_pixels(fa[i].bgr, fb[i].bgr)) << "frame " << i;
    if (i > 0) {
      EXPECT_FALSE(same_pixels(fa[i].bgr, fa[i - 1].bgr)) << "frame " << i;
    }
  }
  EXPECT_TRUE(same_pixels(fa[37].bgr, synthetic_frame(37)));
  // The square (80 px, colour 40,200,255) is at (7t, 5t) until it bounces.
  const cv::Vec3b sq = fa[10].bgr.at<cv::Vec3b>(50 + 40, 70 + 40);
  EXPECT_EQ(sq, cv::Vec3b(40, 200, 255));
  EXPECT_NE(fa[10].bgr.at<cv::Vec3b>(50 - 1, 70 - 1), cv::Vec3b(40, 200, 255));
  // Pinned bytes: the pattern is integer arithmetic, the same on every machine.
  EXPECT_EQ(fnv1a(synthetic_frame(0)), 0xd51b6fb333a9afa5ull);
  EXPECT_EQ(fnv1a(synthetic_frame(37)), 0xa9eeb660dac69125ull);
  EXPECT_EQ(fnv1a(synthetic_frame(1000)), 0x1c8127eeb4f966a5ull);
}

}  // namespace
}  // namespace edgecut::runtime
