#include "lab/paced_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace edgecut {

namespace {
using Clock = std::chrono::steady_clock;
constexpr size_t kChunk = 16 << 10;

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}
}  // namespace

Expected<std::unique_ptr<PacedRelay>> PacedRelay::start(int target_port, double up_bps, double down_bps) {
  std::unique_ptr<PacedRelay> r(new PacedRelay());
  r->target_port_ = target_port;
  r->set_rate(up_bps, down_bps);
  r->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(0);
  if (r->listen_fd_ < 0 || ::bind(r->listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::listen(r->listen_fd_, 16) != 0) {
    return error(Code::kIo, "paced relay: cannot listen on 127.0.0.1: {}", std::strerror(errno));
  }
  socklen_t len = sizeof(a);
  ::getsockname(r->listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  r->port_ = ntohs(a.sin_port);
  r->acceptor_ = std::thread([p = r.get()] { p->accept_loop(); });
  return r;
}

void PacedRelay::set_rate(double up_bps, double down_bps) {
  up_bps_ = up_bps;
  down_bps_ = down_bps;
}

void PacedRelay::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int in = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (in < 0) continue;
    const int out = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(target_port_);
    if (out < 0 || ::connect(out, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      ::close(in);
      if (out >= 0) ::close(out);
      continue;
    }
    const int one = 1;
    ::setsockopt(in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ::setsockopt(out, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::lock_guard lock(mu_);
    fds_.insert(fds_.end(), {in, out});
    pumps_.emplace_back([this, in, out] { pump(in, out, &up_bps_); });
    pumps_.emplace_back([this, in, out] { pump(out, in, &down_bps_); });
  }
}

void PacedRelay::pump(int from, int to, const std::atomic<double>* bps) {
  char buf[kChunk];
  double tokens = kChunk;  // bytes; the bucket holds at most one chunk
  auto last = Clock::now();
  while (!stop_) {
    pollfd p{from, POLLIN, 0};
    const int pr = ::poll(&p, 1, 100);
    if (pr <= 0) continue;
    const ssize_t n = ::recv(from, buf, sizeof(buf), 0);
    if (n <= 0) break;
    // Wait until the bucket covers these bytes (it refills at the current rate).
    while (!stop_) {
      const auto now = Clock::now();
      tokens =
          std::min<double>(kChunk, tokens + std::chrono::duration<double>(now - last).count() * *bps / 8);
      last = now;
      if (tokens >= static_cast<double>(n)) break;
      const double wait_s = (static_cast<double>(n) - tokens) * 8 / std::max(1.0, bps->load());
      std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait_s, 0.05)));
    }
    tokens -= static_cast<double>(n);
    if (!write_all(to, buf, static_cast<size_t>(n))) break;
  }
  ::shutdown(to, SHUT_WR);
}

void PacedRelay::stop() {
  if (stop_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> pumps;
  {
    std::lock_guard lock(mu_);
    pumps.swap(pumps_);
  }
  for (auto& t : pumps) t.join();
  for (int fd : fds_) ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

PacedRelay::~PacedRelay() { stop(); }

}  // namespace edgecut
