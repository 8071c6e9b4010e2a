// CloudServer: `edgecut serve`, the KServe v2 gRPC service over a ModelStore.
//
// Every RPC runs on a gRPC sync-server thread. Inference takes one of
// `workers` engine slots (each a run of one model or tail with the engine's
// own `threads`); a request waits for a slot in a queue bounded by
// `max_queue` and is refused with RESOURCE_EXHAUSTED beyond it. Responses
// carry the request's engine time and its wait for a slot as parameters
// (net/wire.h kComputeUs / kQueueUs), so the edge can separate network time
// from server time.
//
// Bad requests get a gRPC status naming the problem (INVALID_ARGUMENT with
// tensor and field, NOT_FOUND for unknown models and tails) and the server
// goes on serving others; messages over the size limit are refused by gRPC
// before they are allocated. shutdown() stops accepting calls, lets the calls
// in flight finish (up to a grace period), then returns.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "net/metrics.h"
#include "runtime/model_store.h"

namespace edgecut::runtime {

struct ServerOptions {
  std::string listen = "127.0.0.1:8001";  // host:port; port 0 picks a free one
  int workers = 1;                        // engine runs at once
  int max_queue = 64;                     // requests waiting for a slot
  net::WireLimits limits;
  // From net/security.h server_credentials(); null: plaintext. Callers check
  // net::check_listen_address() first (the CLI does).
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::string token;  // every call must carry it as a bearer token; "" none
  // Per-model request counters and durations (net/metrics.h); null: none kept.
  std::shared_ptr<net::Metrics> metrics;
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
  ~CloudServer();

  int port() const { return port_; }
  std::string address() const;
  // Stops accepting calls; calls in flight finish within `grace`.
  void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // Blocks until shutdown() has run (from another thread or a signal watcher).
  void wait();

  class Service;

 private:
  CloudServer() = default;
  std::shared_ptr<ModelStore> store_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  ServerOptions options_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace edgecut::runtime
