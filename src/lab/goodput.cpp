#include "lab/goodput.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "lab/netns.h"

namespace edgecut {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kChunk = 64 * 1024;

Side other(Side s) { return s == Side::kEdge ? Side::kCloud : Side::kEdge; }

Status sys_error(const char* what) { return error(Code::kIo, "{}: {}", what, std::strerror(errno)); }

int poll_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1000));
}

// Waits for `events` on fd until the deadline; kIo on timeout.
Status wait_for_fd(int fd, short events, Clock::time_point deadline, const char* what) {
  pollfd p{fd, events, 0};
  while (Clock::now() < deadline) {
    int r = ::poll(&p, 1, poll_ms(deadline));
    if (r > 0) return Status::ok();
    if (r < 0 && errno != EINTR) return sys_error(what);
  }
  return error(Code::kIo, "{}: timed out", what);
}

struct Stream {
  UniqueFd sender, receiver;
};

// A connected TCP pair: the listener lives in the sink's namespace on its
// address, the sender in the source's namespace; both non-blocking.
Expected<Stream> connect_stream(const Testbed& tb, Side source, Clock::time_point deadline) {
  const int type = SOCK_STREAM | SOCK_NONBLOCK;
  EDGECUT_ASSIGN_OR_RETURN(UniqueFd listener, socket_in_netns(tb.netns(other(source)), AF_INET, type));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;  // any free port
  ::inet_pton(AF_INET, tb.address(other(source)).c_str(), &addr.sin_addr);
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  socklen_t len = sizeof(addr);
  if (::bind(listener.get(), sa, len) != 0) return sys_error("bind the goodput sink");
  if (::listen(listener.get(), 1) != 0) return sys_error("listen");
  if (::getsockname(listener.get(), sa, &len) != 0) return sys_error("getsockname");

  Stream s;
  EDGECUT_ASSIGN_OR_RETURN(s.sender, socket_in_netns(tb.netns(source), AF_INET, type));
  if (::connect(s.sender.get(), sa, len) != 0 && errno != EINPROGRESS) return sys_error("connect");
  EDGECUT_RETURN_IF_ERROR(wait_for_fd(listener.get(), POLLIN, deadline, "accept the goodput stream"));
  s.receiver.reset(::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!s.receiver.valid()) return sys_error("accept");
  EDGECUT_RETURN_IF_ERROR(wait_for_fd(s.sender.get(), POLLOUT, deadline, "connect the goodput stream"));
  int err = 0;
  socklen_t elen = sizeof(err);
  ::getsockopt(s.sender.get(), SOL_SOCKET, SO_ERROR, &err, &elen);
  if (err != 0) return error(Code::kIo, "connect: {}", std::strerror(err));
  return s;
}

// Sink-side bookkeeping: when the warm-up was crossed, and the last byte.
struct Timing {
  uint64_t received = 0;
  uint64_t base = 0;  // bytes received when the clock started
  bool started = false;
  Clock::time_point t0, t_last;
  void on_bytes(uint64_t n, uint64_t warmup) {
    received += n;
    t_last = Clock::now();
    if (!started && received >= std::max<uint64_t>(warmup, 1)) {
      started = true;
      t0 = t_last;
      base = received;
    }
  }
};

// Sends up to one chunk; false on a hard error (errno set).
bool send_some(int fd, const std::vector<char>& buf, uint64_t total, uint64_t* sent) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), total - *sent));
  ssize_t r = ::send(fd, buf.data(), n, MSG_NOSIGNAL);
  if (r > 0) *sent += static_cast<uint64_t>(r);
  return r >= 0 || errno == EAGAIN || errno == EINTR;
}

// Receives until the socket would block; kIo on an early EOF or an error.
Status recv_some(int fd, std::vector<char>& buf, uint64_t warmup, Timing* t) {
  for (;;) {
    ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
    if (r > 0) {
      t->on_bytes(static_cast<uint64_t>(r), warmup);
      continue;
    }
    if (r == 0) return error(Code::kIo, "goodput stream closed after {} bytes", t->received);
    if (errno == EAGAIN || errno == EINTR) return Status::ok();
    return sys_error("recv");
  }
}

Expected<Timing> transfer(Stream& s, uint64_t warmup, uint64_t total, Clock::time_point deadline) {
  std::vector<char> out(kChunk, 'x'), in(4 * kChunk);
  uint64_t sent = 0;
  Timing t;
  while (t.received < total) {
    if (Clock::now() >= deadline) {
      return error(Code::kIo, "goodput transfer timed out: {} of {} bytes received", t.received, total);
    }
    pollfd p[2] = {{s.sender.get(), static_cast<short>(sent < total ? POLLOUT : 0), 0},
                   {s.receiver.get(), POLLIN, 0}};
    if (::poll(p, 2, poll_ms(deadline)) < 0 && errno != EINTR) return sys_error("poll");
    if ((p[0].revents & (POLLOUT | POLLERR)) && !send_some(s.sender.get(), out, total, &sent)) {
      return sys_error("send");
    }
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      EDGECUT_RETURN_IF_ERROR(recv_some(s.receiver.get(), in, warmup, &t));
    }
  }
  return t;
}

}  // namespace

Expected<Goodput> measure_goodput(const Testbed& testbed, const GoodputOptions& options) {
  if (options.measured_bytes == 0) return error(Code::kInvalidArgument, "goodput: nothing to measure");
  const auto deadline = Clock::now() + options.time_limit;
  EDGECUT_ASSIGN_OR_RETURN(Stream stream, connect_stream(testbed, options.source, deadline));
  const uint64_t total = options.warmup_bytes + options.measured_bytes;
  EDGECUT_ASSIGN_OR_RETURN(Timing t, transfer(stream, options.warmup_bytes, total, deadline));
  Goodput g;
  g.bytes = t.received - t.base;
  g.seconds = std::chrono::duration<double>(t.t_last - t.t0).count();
  if (g.bytes == 0 || g.seconds <= 0) {
    return error(Code::kIo, "goodput: the whole transfer arrived at once; measure more bytes");
  }
  g.bps = static_cast<double>(g.bytes) * 8 / g.seconds;
  return g;
}

}  // namespace edgecut
