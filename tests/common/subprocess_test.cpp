#include "common/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace edgecut {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_path(const std::string& stem) {
  return ::testing::TempDir() + "/edgecut_subprocess_" + stem + "_" + std::to_string(::getpid());
}

TEST(Subprocess, TrueExitsZero) {
  auto child = Subprocess::spawn({"true"});
  ASSERT_TRUE(child) << child.status().to_string();
  auto status = child->wait_for(milliseconds(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success());
  EXPECT_EQ(status->describe(), "exit 0");
  EXPECT_FALSE(child->running());
}

TEST(Subprocess, FalseExitsOne) {
  auto child = Subprocess::spawn({"/bin/false"});
  ASSERT_TRUE(child) << child.status().to_string();
  auto status = child->wait_for(milliseconds(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->code, 1);
  EXPECT_FALSE(status->success());
}

TEST(Subprocess, MissingProgramIsNotFound) {
  auto child = Subprocess::spawn({"edgecut-no-such-program-xyz"});
  ASSERT_FALSE(child);
  EXPECT_EQ(child.status().code(), Code::kNotFound);
  EXPECT_NE(child.status().message().find("edgecut-no-such-program-xyz"), std::string::npos);
}

TEST(Subprocess, EmptyArgvIsInvalid) {
  auto child = Subprocess::spawn({});
  ASSERT_FALSE(child);
  EXPECT_EQ(child.status().code(), Code::kInvalidArgument);
}

TEST(Subprocess, WaitTimesOutThenTerminateStopsSleep) {
  auto child = Subprocess::spawn({"sleep", "30"});
  ASSERT_TRUE(child) << child.status().to_string();
  auto t0 = Clock::now();
  EXPECT_FALSE(child->wait_for(milliseconds(100)).has_value());
  EXPECT_GE(Clock::now() - t0, milliseconds(100));
  EXPECT_TRUE(child->running());
  ExitStatus s = child->terminate(milliseconds(2000));
  EXPECT_EQ(s.signal, SIGTERM);
  EXPECT_EQ(s.describe(), "killed by SIGTERM");
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
  EXPECT_FALSE(child->running());
  // Already reaped: the same status again, and no signal is sent.
  EXPECT_EQ(child->terminate().signal, SIGTERM);
}

TEST(Subprocess, TerminateEscalatesToKillWhenTermIgnored) {
  // The shell ignores TERM itself, then waits on a sleep so that it stays alive.
  auto child = Subprocess::spawn({"sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"});
  ASSERT_TRUE(child) << child.status().to_string();
  ::usleep(100 * 1000);  // let the trap be installed
  ExitStatus s = child->terminate(milliseconds(200));
  EXPECT_EQ(s.signal, SIGKILL);
}

TEST(Subprocess, DestructorStopsChildAndGroup) {
  pid_t pid = -1;
  {
    SpawnOptions options;
    options.new_process_group = true;
    auto child = Subprocess::spawn({"sleep", "30"}, options);
    ASSERT_TRUE(child) << child.status().to_string();
    pid = child->pid();
    EXPECT_EQ(::getpgid(pid), pid);
  }
  // Reaped by the destructor: the pid no longer exists (not even as a zombie).
  EXPECT_EQ(::kill(pid, 0), -1);
}

TEST(Subprocess, RedirectsStdoutAndStderr) {
  SpawnOptions options;
  options.stdout_path = temp_path("out");
  options.stderr_path = temp_path("err");
  auto child = Subprocess::spawn({"sh", "-c", "echo to-out; echo to-err 1>&2; exit 3"}, options);
  ASSERT_TRUE(child) << child.status().to_string();
  auto status = child->wait_for(milliseconds(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->code, 3);
  EXPECT_EQ(read_all(options.stdout_path), "to-out\n");
  EXPECT_EQ(read_all(options.stderr_path), "to-err\n");
  std::remove(options.stdout_path.c_str());
  std::remove(options.stderr_path.c_str());
}

TEST(Subprocess, SameFileForBothStreams) {
  SpawnOptions options;
  options.stdout_path = temp_path("both");
  options.stderr_path = options.stdout_path;
  auto child = Subprocess::spawn({"sh", "-c", "echo a; echo b 1>&2; echo c"}, options);
  ASSERT_TRUE(child) << child.status().to_string();
  ASSERT_TRUE(child->wait_for(milliseconds(5000)).has_value());
  EXPECT_EQ(read_all(options.stdout_path), "a\nb\nc\n");
  std::remove(options.stdout_path.c_str());
}

TEST(RunCapture, ReturnsStdout) {
  auto out = run_capture({"echo", "hello", "world"});
  ASSERT_TRUE(out) << out.status().to_string();
  EXPECT_EQ(*out, "hello world\n");
}

TEST(RunCapture, FailureNamesCommandAndStderr) {
  auto out = run_capture({"sh", "-c", "echo partial; echo 'bad thing happened' 1>&2; exit 2"});
  ASSERT_FALSE(out);
  const std::string m = out.status().message();
  EXPECT_NE(m.find("sh -c"), std::string::npos) << m;
  EXPECT_NE(m.find("exit 2"), std::string::npos) << m;
  EXPECT_NE(m.find("bad thing happened"), std::string::npos) << m;
}

TEST(RunCapture, TimeoutKillsCommand) {
  auto t0 = Clock::now();
  auto out = run_capture({"sleep", "30"}, milliseconds(200));
  ASSERT_FALSE(out);
  EXPECT_NE(out.status().message().find("did not finish"), std::string::npos);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
}

TEST(RunCapture, LargeOutputDoesNotDeadlock) {
  // More than a pipe buffer on both streams at once.
  auto out = run_capture({"sh", "-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero 1>&2"});
  ASSERT_TRUE(out) << out.status().to_string();
  EXPECT_EQ(out->size(), 300000u);
}

}  // namespace
}  // namespace edgecut
