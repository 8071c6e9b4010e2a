// An edge that boots without its cloud (a car computer starting in a
// tunnel): `edgecut run` first, `edgecut serve` 30 s later on the address it
// was given. Every frame is answered from the start (on the edge), none is
// lost or duplicated, all equal the whole model bit for bit, and once the
// server is up the split plan is used. Two processes over loopback.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <random>

#include "../engine/engine_test_util.h"
#include "cross_process.h"

namespace edgecut::runtime {
namespace {

// A loopback port free now: bound by the kernel's choice, then released.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t n = sizeof a;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n), 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(LateCloud, TheEdgeRunsFromTheFirstFrameAndCutsOnceTheServerIsUp) {
  const std::string spec = "zoo:googlenet@64/4";
  graph::Model m = edgecut::testing::zoo_model("googlenet", 64, 4);
  const std::string dir = temp_dir("latecloud");
  std::mt19937_64 rng(5);
  const auto edge = engine::testing::random_closed_set(m.graph, rng, 1);
  const std::string plan = write_plan(dir + "/plan.json", m.graph, edge);
  const std::string address = "127.0.0.1:" + std::to_string(free_port());
  const std::string log = dir + "/run.jsonl";
  constexpr int kFrames = 400;  // 40 s at 10 fps
  constexpr double kServeAfterS = 30;
  const double t_spawn = unix_now();
  auto run = spawn_run(spec, address, plan, kFrames, log, {"-q", "--fps", "10"});
  ASSERT_TRUE(run) << run.status().message();
  std::this_thread::sleep_for(std::chrono::duration<double>(kServeAfterS));
  ASSERT_FALSE(run->wait_for(0s).has_value()) << "the edge must not give up; see " << log << ".err";
  const double t_serve = unix_now();
  Server server = start_server(spec, dir, address);
  ASSERT_FALSE(server.address.empty());
  auto st = run->wait_for(180s);
  ASSERT_TRUE(st && st->success()) << "edgecut run failed; see " << log << ".err";

  const auto lines = read_lines(log);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kFrames)) << "every frame is answered";
  const Expected2 want = local_digests(m, edge, kFrames);
  int before = 0, split_after = 0;
  for (int f = 0; f < kFrames; ++f) {
    const auto& l = lines[f];
    EXPECT_EQ(l["frame"].get<int>(), f) << "in order, none duplicated";
    EXPECT_EQ(l["outputs_digest"], want.whole[f]) << "frame " << f;
    const double t = l["unix_s"].get<double>();
    if (t < t_serve) {
      ++before;
      EXPECT_TRUE(l["fallback"].get<bool>()) << "no cloud yet, frame " << f;
    } else if (!l["fallback"].get<bool>() && l["edge_nodes"].get<size_t>() == edge.size()) {
      ++split_after;
    }
  }
  // The edge answered from its start: frames before the server were paced at
  // 10 fps, not held back by a connection attempt.
  const double first_s = lines[0]["unix_s"].get<double>() - t_spawn;
  EXPECT_LT(first_s, 5.0) << "first frame " << first_s << " s after the edge started";
  EXPECT_GE(before, static_cast<int>((kServeAfterS - 5) * 10)) << "frames answered while the cloud was away";
  EXPECT_GT(split_after, 0) << "the split plan once the server is up";
  EXPECT_EQ(server.proc.terminate().code, 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace edgecut::runtime
