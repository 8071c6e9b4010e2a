// CloudServer: `edgecut serve`, the KServe v2 server (net/v2_server.h, the
// protocol) over this stage's model management: the ModelStore (models, the
// tails built on request, the cache) and the engine slots.
//
// Inference takes one of `workers` engine slots (each a run of one model or
// tail with the engine's own `threads`); a request waits for a slot in a
// queue bounded by `max_queue` and is refused with RESOURCE_EXHAUSTED beyond
// it. Responses carry the request's engine time and its wait for a slot as
// parameters (net/wire.h kComputeUs / kQueueUs), so the edge can separate
// network time from server time.
//
// Bad requests get a gRPC status naming the problem (INVALID_ARGUMENT with
// tensor and field, NOT_FOUND for unknown models and tails) and the server
// goes on serving others. shutdown() stops accepting calls, lets the calls
// in flight finish (up to a grace period), then returns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "net/metrics.h"
#include "net/v2_server.h"
#include "runtime/model_store.h"

namespace edgecut::runtime {

// The protocol's options (listen, limits, TLS, token, metrics) and the engine slots'.
struct ServerOptions : net::V2ServerOptions {
  int workers = 1;     // engine runs at once
  int max_queue = 64;  // requests waiting for a slot
};

// A bounded counting semaphore with a bounded wait queue.
class Slots {
 public:
  Slots(int slots, int max_queue) : free_(slots), max_queue_(max_queue) {}
  // False when the queue is full (the caller answers RESOURCE_EXHAUSTED).
  bool acquire();
  void release();
  int waiting() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int free_;
  int waiting_ = 0;
  int max_queue_;
};

class CloudServer {
 public:
  // Starts listening. Fails (kIo) naming the address when it cannot bind.
  static Expected<std::unique_ptr<CloudServer>> start(std::shared_ptr<ModelStore> store,
                                                      const ServerOptions& options);

  int port() const { return server_->port(); }
  std::string address() const { return server_->address(); }
  // Stops accepting calls; calls in flight finish within `grace`.
  void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(5000)) {
    server_->shutdown(grace);
  }
  // Blocks until shutdown() has run (from another thread or a signal watcher).
  void wait() { server_->wait(); }

 private:
  CloudServer() = default;
  std::unique_ptr<net::V2Server> server_;
};

}  // namespace edgecut::runtime
