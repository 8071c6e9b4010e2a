#include "runtime/cloud_server.h"

#include <algorithm>

namespace edgecut::runtime {

using Clock = std::chrono::steady_clock;

bool Slots::acquire() {
  std::unique_lock lock(mu_);
  if (free_ == 0 && waiting_ >= max_queue_) return false;
  ++waiting_;
  cv_.wait(lock, [&] { return free_ > 0; });
  --waiting_;
  --free_;
  return true;
}

void Slots::release() {
  {
    std::lock_guard lock(mu_);
    ++free_;
  }
  cv_.notify_one();
}

int Slots::waiting() const {
  std::lock_guard lock(mu_);
  return waiting_;
}

namespace {

// The model store and the slots, as the protocol's server sees them.
class StoreBackend final : public net::Backend {
 public:
  StoreBackend(std::shared_ptr<ModelStore> store, const ServerOptions& o)
      : store_(std::move(store)),
        workers_(o.workers),
        max_queue_(o.max_queue),
        slots_(o.workers, o.max_queue) {}

  bool builds_tails() const override { return store_->builds_tails(); }
  Expected<std::shared_ptr<const net::ServedModel>> find(const std::string& name) const override {
    EDGECUT_ASSIGN_OR_RETURN(std::shared_ptr<const Servable> s, store_->find(name));
    return std::shared_ptr<const net::ServedModel>(std::move(s));
  }
  std::vector<net::IndexEntry> index() const override { return store_->index(); }
  Status load(const std::string& name, const std::string& edge_nodes,
              const std::string& model_hash) override {
    return store_->load(name, edge_nodes, model_hash);
  }
  Status unload(const std::string& name) override { return store_->unload(name); }
  Status run(const net::ServedModel& m, const std::vector<exec::Tensor>& inputs,
             const std::function<bool()>& cancelled, std::vector<exec::Tensor>* outputs,
             RunTimes* times) override {
    const auto t0 = Clock::now();
    if (!slots_.acquire()) {
      return error(Code::kResourceExhausted, "server busy: {} requests already wait for {} engine slot(s)",
                   max_queue_, workers_);
    }
    const auto t1 = Clock::now();
    Status st = cancelled() ? error(Code::kCancelled, "cancelled by the client") : m.run(inputs, outputs);
    const auto t2 = Clock::now();
    slots_.release();
    using us = std::chrono::microseconds;
    times->queue_us = std::chrono::duration_cast<us>(t1 - t0).count();
    times->compute_us = std::chrono::duration_cast<us>(t2 - t1).count();
    return st;
  }
  double load() const override { return static_cast<double>(slots_.waiting()) / std::max(1, workers_); }

 private:
  std::shared_ptr<ModelStore> store_;
  int workers_, max_queue_;
  Slots slots_;
};

}  // namespace

Expected<std::unique_ptr<CloudServer>> CloudServer::start(std::shared_ptr<ModelStore> store,
                                                          const ServerOptions& options) {
  std::unique_ptr<CloudServer> s(new CloudServer());
  EDGECUT_ASSIGN_OR_RETURN(
      s->server_, net::V2Server::start(std::make_shared<StoreBackend>(std::move(store), options), options));
  return s;
}

}  // namespace edgecut::runtime
