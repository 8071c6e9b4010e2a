// The emulated link for real: namespaces, veth, tbf, TCP goodput. Needs root
// and network namespaces; skips with the reason otherwise.
#include "lab/testbed.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "common/subprocess.h"
#include "lab/goodput.h"
#include "lab/link_bench.h"
#include "lab/netns.h"

namespace edgecut {
namespace {

bool listed(const std::string& name) {
  auto names = list_netns();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// `ip netns list` itself, not our reading of /run/netns.
std::string ip_netns_list() {
  auto out = run_capture({"ip", "netns", "list"});
  return out ? *out : out.status().to_string();
}

// Our own namespaces still present ("ec-<role>-<our pid>-...").
std::vector<std::string> ours_left() {
  std::vector<std::string> left;
  std::string mark = "-" + std::to_string(::getpid()) + "-";
  for (const auto& n : list_netns()) {
    if (n.rfind("ec-", 0) == 0 && n.find(mark) != std::string::npos) left.push_back(n);
  }
  return left;
}

class TestbedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status ok = Testbed::available();
    if (!ok.is_ok()) GTEST_SKIP() << "testbed unavailable: " << ok.message();
  }
  void TearDown() override { EXPECT_TRUE(ours_left().empty()) << "left behind: " << ip_netns_list(); }
};

TEST_F(TestbedTest, DestroyRemovesBothNamespaces) {
  std::string edge, cloud;
  {
    auto tb = Testbed::create();
    ASSERT_TRUE(tb) << tb.status().to_string();
    edge = tb->netns(Side::kEdge);
    cloud = tb->netns(Side::kCloud);
    std::string list = ip_netns_list();
    EXPECT_NE(list.find(edge), std::string::npos) << list;
    EXPECT_NE(list.find(cloud), std::string::npos) << list;
  }
  std::string list = ip_netns_list();
  EXPECT_EQ(list.find(edge), std::string::npos) << list;
  EXPECT_EQ(list.find(cloud), std::string::npos) << list;
}

TEST_F(TestbedTest, AddressesLiveOnlyInsideTheNamespaces) {
  auto tb = Testbed::create();
  ASSERT_TRUE(tb) << tb.status().to_string();
  auto argv = tb->exec_prefix(Side::kEdge);
  argv.insert(argv.end(), {"ip", "-o", "-4", "addr", "show", "dev", Testbed::device(Side::kEdge)});
  auto out = run_capture(argv);
  ASSERT_TRUE(out) << out.status().to_string();
  EXPECT_NE(out->find(tb->edge_address() + "/30"), std::string::npos) << *out;
  auto host = run_capture({"ip", "-o", "-4", "addr", "show"});
  ASSERT_TRUE(host) << host.status().to_string();
  EXPECT_EQ(host->find(tb->edge_address() + "/"), std::string::npos) << *host;
  EXPECT_EQ(host->find(tb->cloud_address() + "/"), std::string::npos) << *host;
}

TEST_F(TestbedTest, TcpConnectEdgeToCloud) {
  auto tb = Testbed::create();
  ASSERT_TRUE(tb) << tb.status().to_string();
  auto listener = socket_in_netns(tb->netns(Side::kCloud), AF_INET, SOCK_STREAM);
  ASSERT_TRUE(listener) << listener.status().to_string();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(5201);
  ::inet_pton(AF_INET, tb->cloud_address().c_str(), &addr.sin_addr);
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  ASSERT_EQ(::bind(listener->get(), sa, sizeof(addr)), 0) << std::strerror(errno);
  ASSERT_EQ(::listen(listener->get(), 1), 0);
  // A process in the edge namespace connects (bash's /dev/tcp: no extra tools).
  auto argv = tb->exec_prefix(Side::kEdge);
  argv.insert(argv.end(), {"bash", "-c", "echo hi > /dev/tcp/" + tb->cloud_address() + "/5201"});
  auto client = Subprocess::spawn(argv);
  ASSERT_TRUE(client) << client.status().to_string();
  pollfd p{listener->get(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1) << "no connection from the edge namespace";
  UniqueFd conn(::accept(listener->get(), nullptr, nullptr));
  ASSERT_TRUE(conn.valid());
  char buf[8] = {0};
  pollfd q{conn.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&q, 1, 5000), 1);
  EXPECT_EQ(::recv(conn.get(), buf, sizeof(buf) - 1, 0), 3);
  EXPECT_STREQ(buf, "hi\n");
  auto status = client->wait_for(std::chrono::milliseconds(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << status->describe();
}

void expect_goodput_near(Testbed& tb, double rate_bps) {
  auto report = measure_link(tb, rate_bps);
  ASSERT_TRUE(report) << report.status().to_string();
  std::cout << "[ goodput  ] " << report->describe() << "\n";
  EXPECT_GE(report->ratio, 0.90) << report->describe();
  EXPECT_LE(report->ratio, 1.0) << report->describe();
  EXPECT_EQ(report->drops, 0u) << report->describe();
}

TEST_F(TestbedTest, GoodputFollowsTheShapedRateAndLiveChanges) {
  TestbedOptions options;
  options.uplink_bps = options.downlink_bps = 10e6;
  auto tb = Testbed::create(options);
  ASSERT_TRUE(tb) << tb.status().to_string();
  expect_goodput_near(*tb, 10e6);
  expect_goodput_near(*tb, 50e6);  // tc qdisc replace on the live testbed
  EXPECT_EQ(tb->uplink_bps(), 50e6);
  auto stats = tb->shaper_stats(Side::kEdge);
  ASSERT_TRUE(stats) << stats.status().to_string();
  EXPECT_NE(stats->find("rate 50Mbit"), std::string::npos) << *stats;
}

// A rate cut while a TCP stream fills the queue. The queue holds GSO packets
// admitted under the old, larger burst, and tbf never has the tokens for a
// packet longer than its burst: changed in place, the link stopped for good
// (seen in the demo: the edge's pings timed out for the rest of the run after
// 50 -> 5 Mbit/s; here 100 -> 20). A shrinking burst now swaps in a new
// shaper (its queue dropped, TCP resends), and the stream must finish.
TEST_F(TestbedTest, ARateCutUnderLoadDoesNotWedgeTheLink) {
  TestbedOptions options;
  options.uplink_bps = options.downlink_bps = 100e6;
  auto tb = Testbed::create(options);
  ASSERT_TRUE(tb) << tb.status().to_string();
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(tb->set_rate(100e6, 100e6).is_ok());
    GoodputOptions g;
    g.warmup_bytes = 256 << 10;
    g.measured_bytes = 4 << 20;
    g.time_limit = std::chrono::milliseconds(20000);
    Expected<Goodput> got = error(Code::kInternal, "not run");
    std::thread stream([&] { got = measure_goodput(*tb, g); });
    std::this_thread::sleep_for(std::chrono::milliseconds(120));  // the stream is at full speed now
    Status cut = tb->set_rate(20e6, 20e6);
    stream.join();
    ASSERT_TRUE(cut.is_ok()) << cut.to_string();
    auto stats = tb->shaper_stats(Side::kEdge);
    ASSERT_TRUE(got) << "round " << round << ": " << got.status().to_string() << "\n"
                     << (stats ? *stats : stats.status().to_string());
  }
}

TEST_F(TestbedTest, DownlinkIsShapedSeparately) {
  TestbedOptions options;
  options.uplink_bps = 50e6;
  options.downlink_bps = 10e6;
  auto tb = Testbed::create(options);
  ASSERT_TRUE(tb) << tb.status().to_string();
  GoodputOptions g;
  g.source = Side::kCloud;
  g.warmup_bytes = 256 << 10;
  g.measured_bytes = 2 << 20;
  auto down = measure_goodput(*tb, g);
  ASSERT_TRUE(down) << down.status().to_string();
  EXPECT_GT(down->bps, 0.90 * 10e6);
  EXPECT_LT(down->bps, 10e6);
}

TEST_F(TestbedTest, RejectsBadRates) {
  TestbedOptions bad;
  bad.uplink_bps = 0;
  auto none = Testbed::create(bad);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.status().code(), Code::kInvalidArgument);
  auto tb = Testbed::create();
  ASSERT_TRUE(tb) << tb.status().to_string();
  Status st = tb->set_rate(10e6, -5);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
}

TEST_F(TestbedTest, CleanupStaleRemovesOnlyDeadOwners) {
  // A pid that surely no longer exists: a child we spawned and reaped.
  auto child = Subprocess::spawn({"true"});
  ASSERT_TRUE(child) << child.status().to_string();
  pid_t dead = child->pid();
  ASSERT_TRUE(child->wait_for(std::chrono::milliseconds(5000)).has_value());
  std::string stale = "ec-edge-" + std::to_string(dead) + "-0";
  std::string live = make_netns_name("cloud");  // ours: we are alive
  ASSERT_TRUE(add_netns(stale).is_ok());
  ASSERT_TRUE(add_netns(live).is_ok());
  auto removed = Testbed::cleanup_stale();
  ASSERT_TRUE(removed) << removed.status().to_string();
  EXPECT_GE(*removed, 1);
  EXPECT_FALSE(listed(stale));
  EXPECT_TRUE(listed(live));
  EXPECT_TRUE(remove_netns(live).is_ok());
}

TEST_F(TestbedTest, SigtermRemovesTheNamespaces) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {  // child: make a testbed, report its names, wait for the signal
    ::close(fds[0]);
    auto tb = Testbed::create();
    std::string names = tb ? tb->netns(Side::kEdge) + " " + tb->netns(Side::kCloud) + "\n" : "error\n";
    ssize_t w = ::write(fds[1], names.data(), names.size());
    (void)w;
    for (int i = 0; i < 300; ++i) ::usleep(100 * 1000);  // at most 30 s
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string names;
  char buf[256];
  ssize_t n;
  while (names.find('\n') == std::string::npos && (n = ::read(fds[0], buf, sizeof(buf))) > 0)
    names.append(buf, n);
  ::close(fds[0]);
  std::string edge = names.substr(0, names.find(' '));
  std::string cloud = names.substr(names.find(' ') + 1, names.find('\n') - names.find(' ') - 1);
  EXPECT_TRUE(listed(edge)) << names;
  ::kill(pid, SIGTERM);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGTERM);  // died of it, as without us
  EXPECT_FALSE(listed(edge)) << ip_netns_list();
  EXPECT_FALSE(listed(cloud)) << ip_netns_list();
}

}  // namespace
}  // namespace edgecut
