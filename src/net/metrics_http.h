// MetricsHttpServer: GET /metrics over HTTP/1.1 for Prometheus scrapers
// (net/metrics.h gives the text).
//
// Hand-written rather than taken from a library: Debian's prometheus-cpp
// (the client library Triton itself links) serves through an embedded
// civetweb, a general web server (threads pool, options for files, CGI, TLS)
// and a package every machine and CI would have to install, for what is one
// read-only GET here. This server does only that: one thread, one
// connection at a time (scrapes come every few seconds), a request read to
// its blank line within kMaxRequestBytes and a 2 s receive timeout, then
// closed ("Connection: close"). Any other path is 404, any other method 405,
// a request over the bound 431 — never a crash or an unbounded read.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "common/unique_fd.h"

namespace edgecut::net {

inline constexpr size_t kMaxRequestBytes = 8192;

class MetricsHttpServer {
 public:
  // Listens on host:port (port 0: a free one); `body` makes each reply.
  // Fails (kIo) naming the address.
  static Expected<std::unique_ptr<MetricsHttpServer>> start(const std::string& host, int port,
                                                            std::function<std::string()> body);
  ~MetricsHttpServer();  // stops the thread (within ~0.2 s)
  int port() const { return port_; }

 private:
  MetricsHttpServer() = default;
  void loop();
  void serve_one(int fd);
  UniqueFd listen_fd_;
  int port_ = 0;
  std::function<std::string()> body_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace edgecut::net
