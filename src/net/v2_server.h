// V2Server: the server end of the KServe v2 protocol, beside its client end
// (net/client.h). It owns what is the protocol's: listening (TLS when given
// credentials), the bearer token checked before any work, the translation of
// requests and responses (tensors decoded and checked by net/wire.h), the
// probe model, the timing and load parameters the edge reads, the status
// mapping (net/status_map.h) and the request metrics (net/metrics.h). What is
// served and how it runs is the Backend's: runtime/cloud_server.h puts the
// model store and the engine slots behind it (Triton's server / core split).
//
// Every RPC runs on a gRPC sync-server thread and calls the backend from it;
// the backend is thread-safe. Messages over the size limit are refused by
// gRPC before they are allocated. shutdown() stops accepting calls and lets
// those in flight finish within a grace period.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/tensor.h"
#include "net/metrics.h"
#include "net/wire.h"

namespace edgecut::net {

// One model or tail a server runs, as the protocol sees it.
struct ServedModel {
  virtual ~ServedModel() = default;
  std::string name;
  std::vector<TensorSpec> inputs, outputs;
  // One run on decoded inputs; outputs found by name.
  virtual Status run(const std::vector<exec::Tensor>& inputs, std::vector<exec::Tensor>* outputs) const = 0;
};

// RepositoryIndex's row.
struct IndexEntry {
  std::string name;
  std::string state;   // "READY", or "UNAVAILABLE" for a repository model not loaded
  std::string reason;  // "unloaded" for those
};

class Backend {
 public:
  virtual ~Backend() = default;
  // ServerMetadata's "edgecut_tails" extension: RepositoryModelLoad builds tails.
  virtual bool builds_tails() const = 0;
  // kNotFound naming what is served. The pointer keeps the model alive (a
  // tail a request holds is not evicted).
  virtual Expected<std::shared_ptr<const ServedModel>> find(const std::string& name) const = 0;
  virtual std::vector<IndexEntry> index() const = 0;
  // RepositoryModelLoad with its edgecut parameters ("" when absent).
  virtual Status load(const std::string& name, const std::string& edge_nodes,
                      const std::string& model_hash) = 0;
  virtual Status unload(const std::string& name) = 0;
  struct RunTimes {
    int64_t queue_us = 0, compute_us = 0;  // the wait for an engine slot, the run
  };
  // Runs `m` once an engine slot is free: kResourceExhausted when too many
  // already wait, kCancelled when `cancelled()` says so once it has one.
  virtual Status run(const ServedModel& m, const std::vector<exec::Tensor>& inputs,
                     const std::function<bool()>& cancelled, std::vector<exec::Tensor>* outputs,
                     RunTimes* times) = 0;
  // Requests waiting per engine slot now (the kLoadMilli parameter).
  virtual double load() const = 0;
};

struct V2ServerOptions {
  std::string listen = "127.0.0.1:8001";  // host:port; port 0 picks a free one
  WireLimits limits;
  // From net/security.h server_credentials(); null: plaintext. Callers check
  // check_listen_address() first (the CLI does).
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::string token;                 // every call must carry it as a bearer token; "" none
  std::shared_ptr<Metrics> metrics;  // per-model counters and durations; null: none kept
};

class V2Server {
 public:
  // Starts listening. Fails (kIo) naming the address when it cannot bind.
  static Expected<std::unique_ptr<V2Server>> start(std::shared_ptr<Backend> backend,
                                                   const V2ServerOptions& options);
  ~V2Server();

  int port() const { return port_; }
  std::string address() const;
  // Stops accepting calls; calls in flight finish within `grace`.
  void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  // Blocks until shutdown() has run (from another thread or a signal watcher).
  void wait();

  class Service;

 private:
  V2Server() = default;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string listen_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace edgecut::net
