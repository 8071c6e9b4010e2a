// Faults on a shaped link, with real processes: `edgecut serve` in the cloud
// namespace, `edgecut run` in the edge namespace of a net::Testbed (tbf at
// 20 Mbit/s each way), a fixed interior plan, synthetic frames at 10 fps.
// Mid-stream one fault hits:
//   - kill:     the server gets SIGKILL, and a new one starts 3 s later;
//   - restart:  the server stops (SIGTERM) and starts again at once, without
//               the client's tails (the client loads them again);
//   - link:     the edge's interface goes down for 3 s, then up;
//   - overload: a second client (`edgecut bench load`, 8 threads in the cloud
//               namespace) floods a server with one engine slot and a short
//               queue for 3 s.
// Every case: every frame answered once, in order, each bit-exact with the
// whole model run here (OpenCV splits are exact; a frame the cloud did not
// answer is finished on the edge). Prints the frames finished on the edge
// during the fault and the time back to split plans after it ended.
// Root only (network namespaces, tc); skips otherwise.
#include <gtest/gtest.h>
#include <signal.h>

#include <random>

#include "../engine/engine_test_util.h"
#include "cross_process.h"
#include "graph/segment.h"
#include "lab/testbed.h"
#include "test_paths.h"

namespace edgecut::runtime {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

constexpr int kFrames = 120;  // 12 s at 10 fps
constexpr int kFaultAtFrame = 20;
constexpr auto kFaultLength = 3s;
const std::string kSpec = "zoo:googlenet@64/4";

double unix_now() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

// An interior plan: head on the edge, at least one tensor crossing.
std::vector<graph::NodeId> interior_plan(const graph::Graph& g) {
  std::mt19937_64 rng(5);
  while (true) {
    auto edge = engine::testing::random_closed_set(g, rng, 1);
    if (!edge.empty() && edge.size() < g.nodes.size() / 2) return edge;
  }
}

class Faults : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (Status why = Testbed::available(); !why.is_ok()) GTEST_SKIP() << why.message();
    TestbedOptions o;
    o.uplink_bps = o.downlink_bps = 20e6;
    auto bed = Testbed::create(o);
    ASSERT_TRUE(bed) << bed.status().message();
    bed_.emplace(std::move(*bed));
    dir_ = temp_dir("fault-" + GetParam());
    address_ = bed_->cloud_address() + ":7070";
  }
  void TearDown() override {
    server_.reset();
    bed_.reset();
    if (!dir_.empty() && !HasFailure()) fs::remove_all(dir_);
  }

  // One engine slot and a short queue, so that a flood is refused.
  void start_server() {
    server_.reset();
    Server s = start_server_at(address_, bed_->exec_prefix(Side::kCloud),
                               {"--insecure", "--workers", "1", "--max-queue", "2"});
    ASSERT_FALSE(s.address.empty());
    server_.emplace(std::move(s));
  }
  Server start_server_at(const std::string& listen, const std::vector<std::string>& prefix,
                         const std::vector<std::string>& extra) {
    return runtime::start_server(kSpec, dir_, listen, prefix, extra);
  }
  Status link(const char* state) {
    auto argv = bed_->exec_prefix(Side::kEdge);
    for (const std::string& a : {std::string("ip"), std::string("link"), std::string("set"),
                                 std::string("dev"), Testbed::device(Side::kEdge), std::string(state)})
      argv.push_back(a);
    return run_capture(argv).status();
  }
  // Starts the fault; returns once it has ended.
  void inject(const std::string& kind) {
    if (kind == "kill") {
      ASSERT_EQ(kill(server_->proc.pid(), SIGKILL), 0);
      (void)server_->proc.wait_for(10s);
      std::this_thread::sleep_for(kFaultLength);
      start_server();
    } else if (kind == "restart") {
      EXPECT_EQ(server_->proc.terminate().code, 0);
      start_server();
    } else if (kind == "link") {
      ASSERT_TRUE(link("down").is_ok());
      std::this_thread::sleep_for(kFaultLength);
      ASSERT_TRUE(link("up").is_ok());
    } else {
      auto argv = bed_->exec_prefix(Side::kCloud);
      for (const std::string& a :
           {std::string(edgecut::testing::edgecut_bin()), std::string("bench"), std::string("load"), kSpec,
            std::string("--server"), address_, std::string("--clients"), std::string("8"),
            std::string("--plans"), std::string("1"), std::string("--duration"), std::string("3s"),
            std::string("--quiet"), std::string("--json")})
        argv.push_back(a);
      auto flood =
          Subprocess::spawn(argv, {.stdout_path = dir_ + "/flood.json", .stderr_path = dir_ + "/flood.err"});
      ASSERT_TRUE(flood) << flood.status().message();
      (void)flood->wait_for(60s);
    }
  }

  std::optional<Testbed> bed_;
  std::optional<Server> server_;
  std::string dir_, address_;
};

TEST_P(Faults, NoFrameLostOrDuplicatedAndSplitPlansComeBack) {
  const std::string kind = GetParam();
  graph::Model m = edgecut::testing::zoo_model("googlenet", 64, 4);
  const std::vector<graph::NodeId> edge = interior_plan(m.graph);
  start_server();
  ASSERT_TRUE(server_.has_value());
  const std::string plan = write_plan(dir_ + "/plan.json", m.graph, edge);
  const std::string log = dir_ + "/run.jsonl";
  auto run =
      spawn_run(kSpec, address_, plan, kFrames, log, {"--fps", "10", "-q"}, bed_->exec_prefix(Side::kEdge));
  ASSERT_TRUE(run) << run.status().message();
  for (int i = 0; i < 600 && read_lines(log).size() < kFaultAtFrame; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_GE(read_lines(log).size(), static_cast<size_t>(kFaultAtFrame))
      << "client did not get going; see " << dir_;
  const double fault_from = unix_now();
  inject(kind);
  const double fault_to = unix_now();
  auto st = run->wait_for(180s);
  ASSERT_TRUE(st && st->success()) << "edgecut run failed; see " << log << ".err";

  const auto lines = read_lines(log);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kFrames)) << "every frame is answered";
  const Expected2 want = local_digests(m, edge, kFrames);
  int on_edge = 0, before = 0;  // on_edge: from the fault until split plans are back
  double back_s = -1;
  for (int f = 0; f < kFrames; ++f) {
    const auto& l = lines[f];
    EXPECT_EQ(l["frame"].get<int>(), f) << "in order, none duplicated";
    EXPECT_EQ(l["outputs_digest"], want.whole[f]) << kind << " frame " << f;
    const double t = l["unix_s"].get<double>();
    const bool fallback = l["fallback"].get<bool>();
    if (fallback && t < fault_from) ++before;
    if (fallback && t >= fault_from && back_s < 0) ++on_edge;
    if (!fallback && t > fault_to && back_s < 0) back_s = t - fault_to;
  }
  EXPECT_EQ(before, 0) << "no fallback before the fault";
  // A restart or a flood may fall between frames; a dead server or link cannot.
  if (kind == "kill" || kind == "link") {
    EXPECT_GT(on_edge, 0) << "frames during the fault finish on the edge";
  }
  EXPECT_GE(back_s, 0) << "split plans must come back after the fault";
  EXPECT_LT(back_s, 8.0) << "back to split plans within reconnect backoff (2 s) + keepalive";
  std::printf(
      "[ fault %-8s] %d of %d frames, %d finished on the edge during the fault, none lost or duplicated; "
      "split plans back %.2f s after it ended\n",
      kind.c_str(), kFrames, kFrames, on_edge, back_s);
}

INSTANTIATE_TEST_SUITE_P(ShapedLink, Faults, ::testing::Values("kill", "restart", "link", "overload"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace edgecut::runtime
