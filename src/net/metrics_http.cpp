#include "net/metrics_http.h"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>

namespace edgecut::net {

namespace {

void send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;  // the scraper went away: nothing to do
    off += static_cast<size_t>(n);
  }
}

std::string reply(int code, const char* reason, const std::string& type, const std::string& body) {
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", code, reason,
      type, body.size(), body);
}

}  // namespace

Expected<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::start(const std::string& host, int port,
                                                                      std::function<std::string()> body) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string h = host.size() > 1 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  if (int rc = getaddrinfo(h.empty() ? nullptr : h.c_str(), std::to_string(port).c_str(), &hints, &res);
      rc != 0)
    return error(Code::kIo, "metrics: cannot resolve '{}': {}", host, gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, freeaddrinfo);
  std::unique_ptr<MetricsHttpServer> s(new MetricsHttpServer());
  s->listen_fd_.reset(::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int one = 1;
  if (!s->listen_fd_.valid() ||
      setsockopt(s->listen_fd_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(s->listen_fd_.get(), res->ai_addr, res->ai_addrlen) != 0 || listen(s->listen_fd_.get(), 16) != 0) {
    return error(Code::kIo, "metrics: cannot listen on {}:{}: {}", host, port, std::strerror(errno));
  }
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(s->listen_fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  s->port_ = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                              : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  s->body_ = std::move(body);
  s->thread_ = std::thread([p = s.get()] { p->loop(); });
  return s;
}

MetricsHttpServer::~MetricsHttpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void MetricsHttpServer::loop() {
  while (!stop_) {
    pollfd p{listen_fd_.get(), POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;  // a timeout: look at stop_ again
    UniqueFd c(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (c.valid()) serve_one(c.get());
  }
}

// Sends `r`, then closes gracefully: a close with request bytes unread
// (an oversized request) would reset the connection and could destroy the
// reply before the client reads it, so the rest is read and dropped first
// (at most 64 KiB, within the receive timeout).
static void reply_and_close(int fd, const std::string& r) {
  send_all(fd, r);
  shutdown(fd, SHUT_WR);
  char buf[1024];
  for (size_t total = 0; total < (64u << 10);) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    total += static_cast<size_t>(n);
  }
}

void MetricsHttpServer::serve_one(int fd) {
  timeval tv{2, 0};  // a client that stalls holds the server 2 s at most
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string req;
  char buf[1024];
  while (req.find("\r\n\r\n") == std::string::npos) {
    if (req.size() >= kMaxRequestBytes) {
      reply_and_close(
          fd, reply(431, "Request Header Fields Too Large", "text/plain", "request over 8192 bytes\n"));
      return;
    }
    const ssize_t n = ::recv(fd, buf, std::min(sizeof buf, kMaxRequestBytes - req.size()), 0);
    if (n <= 0) return;  // closed or timed out before a whole request
    req.append(buf, static_cast<size_t>(n));
  }
  const std::string line = req.substr(0, req.find("\r\n"));
  const size_t sp1 = line.find(' '), sp2 = line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos || line.compare(sp2 + 1, 5, "HTTP/") != 0) {
    reply_and_close(fd, reply(400, "Bad Request", "text/plain", "malformed request line\n"));
    return;
  }
  const std::string method = line.substr(0, sp1), path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (method != "GET" && method != "HEAD") {
    reply_and_close(fd, reply(405, "Method Not Allowed", "text/plain", "only GET /metrics\n"));
  } else if (path != "/metrics" && path.rfind("/metrics?", 0) != 0) {
    reply_and_close(fd, reply(404, "Not Found", "text/plain", "only /metrics is served here\n"));
  } else {
    std::string r = reply(200, "OK", "text/plain; version=0.0.4; charset=utf-8", body_());
    if (method == "HEAD") r.resize(r.find("\r\n\r\n") + 4);
    reply_and_close(fd, r);
  }
}

}  // namespace edgecut::net
