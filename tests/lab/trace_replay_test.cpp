// size: one experiment (or test) reads top to bottom: its grid, the runs, then the files and the
// prose that cite them; splitting it would scatter the numbers from the sentences about them.
// Trace replay on the real testbed (root; skipped otherwise): a generated
// cellular trace with a stretch at 0.1 Mbit/s and an outage is played on the
// uplink's tbf at 100 ms steps while one TCP stream of numbered frames runs
// flat out from the edge to the cloud. Checks: goodput per second follows the
// trace within 10% (of TCP's 95.5% share of the rate) where the rate is at
// least 1 Mbit/s, and every frame sent arrives, in order, after the slow
// stretch and the outage.
#include "lab/trace_replay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <vector>

#include "lab/netns.h"
#include "lab/testbed.h"
#include "lab/trace.h"

namespace edgecut {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kFrame = 8192;  // bytes per frame, a 4-byte sequence number first

RateTrace test_trace() {
  CellularOptions o;
  o.seed = 4;
  o.duration_s = 16;
  o.outage_share = 0;
  RateTrace t = *generate_cellular(o);
  for (int i = 0; i < 20; ++i) t.bps.push_back(0.1e6);  // 2 s at 0.1 Mbit/s
  for (int i = 0; i < 10; ++i) t.bps.push_back(0);      // 1 s outage
  for (int i = 0; i < 20; ++i) t.bps.push_back(3e6);    // 2 s to recover
  return t;
}

struct Pair {
  UniqueFd tx, rx;
};

Pair connect_pair(const Testbed& tb) {
  Pair p;
  auto l = socket_in_netns(tb.netns(Side::kCloud), AF_INET, SOCK_STREAM);
  EXPECT_TRUE(l);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, tb.cloud_address().c_str(), &a.sin_addr);
  socklen_t len = sizeof(a);
  EXPECT_EQ(::bind(l->get(), reinterpret_cast<sockaddr*>(&a), len), 0);
  EXPECT_EQ(::listen(l->get(), 1), 0);
  ::getsockname(l->get(), reinterpret_cast<sockaddr*>(&a), &len);
  auto s = socket_in_netns(tb.netns(Side::kEdge), AF_INET, SOCK_STREAM);
  EXPECT_TRUE(s);
  int sndbuf = 512 * 1024;
  ::setsockopt(s->get(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  EXPECT_EQ(::connect(s->get(), reinterpret_cast<sockaddr*>(&a), len), 0) << std::strerror(errno);
  p.rx.reset(::accept4(l->get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  p.tx = std::move(*s);
  ::fcntl(p.tx.get(), F_SETFL, O_NONBLOCK);
  return p;
}

TEST(TraceReplay, GoodputFollowsTheTraceAndNoFrameIsLost) {
  Status ok = Testbed::available();
  if (!ok.is_ok()) GTEST_SKIP() << "testbed unavailable: " << ok.message();
  const RateTrace trace = test_trace();
  auto tb = Testbed::create();
  ASSERT_TRUE(tb) << tb.status().to_string();
  Pair p = connect_pair(*tb);
  ASSERT_TRUE(p.rx.valid());
  auto steps = plan_steps(trace, nullptr, 100e6);
  ASSERT_TRUE(tb->use_mtu_packets().is_ok());
  Testbed* bed = &*tb;
  auto replay = TraceReplayer::start(steps, trace.duration_s(),
                                     [bed](double up, double down) { return bed->set_rate(up, down); });
  ASSERT_TRUE(replay) << replay.status().to_string();
  const auto t0 = (*replay)->started();
  const auto stop_sending = t0 + std::chrono::duration<double>(trace.duration_s());
  const auto deadline = stop_sending + std::chrono::seconds(20);  // drain bound
  std::vector<double> per_s(static_cast<size_t>(trace.duration_s()) + 21, 0.0);
  std::vector<char> out(kFrame, 'x'), in(256 * 1024), partial;
  uint32_t next_tx = 0, next_rx = 0;
  size_t tx_off = kFrame;  // offset in the frame being sent; kFrame: start a new one
  bool bad_order = false;
  while (Clock::now() < deadline && (Clock::now() < stop_sending || next_rx < next_tx || tx_off < kFrame)) {
    const bool sending = Clock::now() < stop_sending || tx_off < kFrame;
    pollfd fds[2] = {{p.tx.get(), static_cast<short>(sending ? POLLOUT : 0), 0}, {p.rx.get(), POLLIN, 0}};
    ::poll(fds, 2, 50);
    if ((fds[0].revents & POLLOUT) && sending) {
      if (tx_off == kFrame && Clock::now() < stop_sending) {
        std::memcpy(out.data(), &next_tx, 4);
        ++next_tx;
        tx_off = 0;
      }
      if (tx_off < kFrame) {
        ssize_t n = ::send(p.tx.get(), out.data() + tx_off, kFrame - tx_off, MSG_NOSIGNAL);
        if (n > 0) tx_off += static_cast<size_t>(n);
      }
    }
    for (;;) {
      ssize_t n = ::recv(p.rx.get(), in.data(), in.size(), 0);
      if (n <= 0) break;
      const double t = std::chrono::duration<double>(Clock::now() - t0).count();
      per_s[std::min(per_s.size() - 1, static_cast<size_t>(t))] += static_cast<double>(n) * 8;
      partial.insert(partial.end(), in.begin(), in.begin() + n);
      size_t at = 0;
      for (; partial.size() - at >= kFrame; at += kFrame) {
        uint32_t seq = 0;
        std::memcpy(&seq, partial.data() + at, 4);
        bad_order |= seq != next_rx;
        ++next_rx;
      }
      partial.erase(partial.begin(), partial.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }
  ASSERT_TRUE((*replay)->stop().is_ok());
  EXPECT_FALSE(bad_order);
  EXPECT_GT(next_tx, 100u);
  EXPECT_EQ(next_rx, next_tx) << "frames lost or stuck: the link wedged";
  std::cout << "second, trace Mbit/s, goodput Mbit/s\n";
  for (size_t s = 0; s + 1 < per_s.size() && static_cast<double>(s) < trace.duration_s(); ++s) {
    std::cout << s << ", " << trace.mean_bps(static_cast<double>(s), static_cast<double>(s + 1)) / 1e6 << ", "
              << per_s[s] / 1e6 << "\n";
  }
  int checked = 0;
  for (int s = 1; s < 16; ++s) {
    // Seconds whose rate, and the second's before it, stay at 1 Mbit/s or more.
    bool steady = true;
    for (double t = s - 1 + 0.05; t < s + 1; t += 0.1) steady &= trace.rate_at(t) >= 1e6;
    if (!steady) continue;
    // TCP's share of tbf's rate (headers count, lab/tbf.h).
    const double want = trace.mean_bps(s, s + 1) * 0.955;
    EXPECT_NEAR(per_s[static_cast<size_t>(s)] / want, 1.0, 0.10)
        << "second " << s << ": goodput " << per_s[static_cast<size_t>(s)] / 1e6 << " Mbit/s, trace "
        << want / 1e6;
    ++checked;
  }
  EXPECT_GE(checked, 5);
  // The slow stretch and the outage passed something, and it recovered after.
  EXPECT_GT(per_s[17] + per_s[18], 0);
  EXPECT_GT(per_s[20], 1e6);
  std::cout << "trace replay: " << (*replay)->changes() << " rate changes, " << next_rx << " frames\n";
}

}  // namespace
}  // namespace edgecut
