// PacedRelay: a TCP relay on loopback that paces the bytes it forwards with a
// token bucket, per direction. It stands in for the shaped link where network
// namespaces and tc need root: the edge connects to the relay, the relay to
// the server, and the rate can change while connections run.
//
// One thread accepts; each connection gets one thread per direction that
// reads up to a chunk, waits for tokens, writes. The bucket holds at most
// `burst_bytes`, so a transfer runs at the set rate within one chunk.
// stop() closes everything and joins every thread; the destructor calls it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace edgecut {

class PacedRelay {
 public:
  // Listens on 127.0.0.1:0 and forwards to `target_port` on 127.0.0.1.
  static Expected<std::unique_ptr<PacedRelay>> start(int target_port, double up_bps, double down_bps);
  ~PacedRelay();

  int port() const { return port_; }
  void set_rate(double up_bps, double down_bps);
  void stop();

 private:
  PacedRelay() = default;
  void accept_loop();
  void pump(int from, int to, const std::atomic<double>* bps);

  int listen_fd_ = -1;
  int port_ = 0;
  int target_port_ = 0;
  std::atomic<double> up_bps_{0}, down_bps_{0};
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> pumps_;
  std::vector<int> fds_;
};

}  // namespace edgecut
