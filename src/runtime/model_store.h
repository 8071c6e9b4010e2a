// ModelStore: what a cloud server holds. Each whole model it serves, under its
// name, and the tails built from them on request ("<model>.tail.<digest>",
// net/tail_name.h), in a cache shared by all clients.
//
// A tail is built once from the model the server already holds (never from
// bytes a client sent), on its own executor, so that evicting it frees its
// weights. The cache is bounded by the tails' weight bytes (tail_cache_bytes,
// `serve --cache-mb`): after each load, the least recently used tails go
// first, skipping every tail a request holds (find() hands out a shared_ptr:
// a tail is in use while anyone but the store holds one) and the tail just
// loaded. So the bound can be exceeded in two cases only: one tail larger
// than the bound alone, and tails held by running requests; in both the
// excess is evicted by the next load or unload once nobody holds them
// (cached_tail_bytes() says how far over it is). A tail evicted and asked for
// again answers NOT_FOUND, and the client loads it again.
//
// Thread-safe: lookups take a shared lock and touch the LRU order in O(1)
// (a list and an iterator per tail) under a small lock of its own; a tail is
// built outside the map's lock (a concurrent load of the same tail waits for
// the first build). Eviction is O(#tails) per load.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "exec/executor.h"
#include "net/v2_server.h"
#include "net/wire.h"

namespace edgecut::runtime {

// One runnable thing: a whole model or a tail (name and tensors: the protocol's view).
struct Servable final : net::ServedModel {
  std::string base;  // the whole model's name
  const graph::Model* model = nullptr;
  std::unique_ptr<exec::Executor> executor;
  exec::SegmentId segment = -1;
  std::vector<graph::NodeId> edge_nodes;  // empty for a whole model
  int64_t weight_bytes = 0;
  Status run(const std::vector<exec::Tensor>& in, std::vector<exec::Tensor>* out) const override {
    return executor->run(segment, in, out);
  }
};

struct StoreOptions {
  engine::EngineOptions engine;
  std::string engine_name = engine::default_engine();
  int64_t tail_cache_bytes = int64_t{4} << 30;
};

using IndexEntry = net::IndexEntry;

class Repository;  // runtime/repository.h

class ModelStore {
 public:
  explicit ModelStore(StoreOptions options) : options_(std::move(options)) {}

  // Serves `model` under `name`; prepares and validates it now (a server
  // that starts is ready). Fails on a duplicate name or an engine refusal.
  // `builds_tails` false: a model from a repository, which serves as it is
  // (load_tail refuses to cut it), as a stock server's would.
  Status add_model(const std::string& name, graph::Model model, bool builds_tails = true);

  // Serve a Triton repository beside the models added (runtime/repository.h);
  // call before serving.
  void set_repository(std::shared_ptr<Repository> repository) { repository_ = std::move(repository); }
  // RepositoryModelLoad: ok for a model served or loaded; a repository model
  // is loaded from it in explicit mode and refused in none mode; any other
  // name is a tail to build (load_tail).
  Status load(const std::string& name, const std::string& edge_nodes_text, const std::string& model_hash);
  // True when some served model builds tails on request (ServerMetadata's
  // "edgecut_tails" extension).
  bool builds_tails() const;

  // A whole model or a loaded tail; kNotFound names what is served.
  Expected<std::shared_ptr<const Servable>> find(const std::string& name) const;

  // Builds the tail `name` = "<model>.tail.<digest>" whose edge set is
  // `edge_nodes_text` (net/tail_name.h) for a model of hash `model_hash`.
  // Idempotent. Fails naming the problem: unknown model, hash mismatch, bad
  // ranges, a set that is not predecessor-closed, digest mismatch, engine.
  Status load_tail(const std::string& name, const std::string& edge_nodes_text,
                   const std::string& model_hash);
  // Drops a tail (whole models stay: they are the server's own).
  Status unload(const std::string& name);

  std::vector<IndexEntry> index() const;
  std::vector<std::string> model_names() const;
  int64_t cached_tail_bytes() const;

 private:
  struct Base {
    graph::Model model;
    std::shared_ptr<Servable> whole;
    bool builds_tails = true;
  };
  Expected<std::shared_ptr<Servable>> build(const std::string& name, const Base& base,
                                            std::vector<graph::NodeId> nodes,
                                            std::vector<graph::NodeId> edge) const;
  struct Tail {
    std::shared_ptr<Servable> servable;
    std::list<std::string>::iterator lru;  // its place in lru_
  };
  // Drops LRU tails no request holds, newest kept, until the bound holds. Holds mu_ exclusively.
  void evict_locked();
  void erase_locked(std::map<std::string, Tail>::iterator it);

  StoreOptions options_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Base>> bases_;
  std::map<std::string, Tail> tails_;
  mutable std::mutex lru_mu_;
  // Most recent first. The list's shape changes under mu_ held exclusively;
  // find() reorders it (splice) under a shared mu_ plus lru_mu_.
  mutable std::list<std::string> lru_;
  int64_t tail_bytes_ = 0;
  std::mutex build_mu_;  // one tail build at a time: builds are CPU-bound anyway
  std::shared_ptr<Repository> repository_;
};

}  // namespace edgecut::runtime
