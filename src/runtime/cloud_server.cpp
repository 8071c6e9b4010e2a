#include "runtime/cloud_server.h"

#include <fmt/format.h>

#include "net/channel_args.h"
#include "net/proto/grpc_service.grpc.pb.h"
#include "net/security.h"
#include "net/status_map.h"
#include "net/tail_name.h"

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

using net::to_grpc;

std::string string_param(const google::protobuf::Map<std::string, inference::ModelRepositoryParameter>& m,
                         const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) return {};
  if (it->second.parameter_choice_case() == inference::ModelRepositoryParameter::kStringParam)
    return it->second.string_param();
  if (it->second.parameter_choice_case() == inference::ModelRepositoryParameter::kBytesParam)
    return it->second.bytes_param();
  return {};
}

void fill_specs(const std::vector<net::TensorSpec>& specs,
                google::protobuf::RepeatedPtrField<inference::ModelMetadataResponse::TensorMetadata>* out) {
  for (const auto& s : specs) {
    auto* m = out->Add();
    m->set_name(s.name);
    m->set_datatype(net::v2_datatype(s.dtype));
    for (int64_t d : s.shape) m->add_shape(d);
  }
}

}  // namespace

class CloudServer::Service final : public inference::GRPCInferenceService::Service {
 public:
  Service(std::shared_ptr<ModelStore> store, const ServerOptions& o)
      : store_(std::move(store)), options_(o), slots_(o.workers, o.max_queue) {}

  grpc::Status ServerLive(grpc::ServerContext* ctx, const inference::ServerLiveRequest*,
                          inference::ServerLiveResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    r->set_live(true);
    return grpc::Status::OK;
  }
  grpc::Status ServerReady(grpc::ServerContext* ctx, const inference::ServerReadyRequest*,
                           inference::ServerReadyResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    r->set_ready(true);
    return grpc::Status::OK;
  }
  grpc::Status ServerMetadata(grpc::ServerContext* ctx, const inference::ServerMetadataRequest*,
                              inference::ServerMetadataResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    r->set_name("edgecut");
    r->set_version("0.2");
    r->add_extensions("model_repository");
    if (store_->builds_tails()) r->add_extensions("edgecut_tails");
    return grpc::Status::OK;
  }
  grpc::Status ModelReady(grpc::ServerContext* ctx, const inference::ModelReadyRequest* q,
                          inference::ModelReadyResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    r->set_ready(store_->find(q->name()).has_value());
    return grpc::Status::OK;
  }
  grpc::Status ModelMetadata(grpc::ServerContext* ctx, const inference::ModelMetadataRequest* q,
                             inference::ModelMetadataResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    auto s = store_->find(q->name());
    if (!s) return to_grpc(s.status());
    r->set_name((*s)->name);
    r->add_versions("1");
    r->set_platform("onnx");
    fill_specs((*s)->inputs, r->mutable_inputs());
    fill_specs((*s)->outputs, r->mutable_outputs());
    return grpc::Status::OK;
  }
  grpc::Status RepositoryIndex(grpc::ServerContext* ctx, const inference::RepositoryIndexRequest*,
                               inference::RepositoryIndexResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    for (const auto& e : store_->index()) {
      auto* m = r->add_models();
      m->set_name(e.name);
      m->set_version("1");
      m->set_state(e.state);
      m->set_reason(e.reason);
    }
    return grpc::Status::OK;
  }
  grpc::Status RepositoryModelLoad(grpc::ServerContext* ctx, const inference::RepositoryModelLoadRequest* q,
                                   inference::RepositoryModelLoadResponse*) override {
    if (!authorized(ctx)) return unauthenticated();
    return to_grpc(store_->load(q->model_name(), string_param(q->parameters(), net::kEdgeNodesParam),
                                string_param(q->parameters(), net::kModelHashParam)));
  }
  grpc::Status RepositoryModelUnload(grpc::ServerContext* ctx,
                                     const inference::RepositoryModelUnloadRequest* q,
                                     inference::RepositoryModelUnloadResponse*) override {
    if (!authorized(ctx)) return unauthenticated();
    return to_grpc(store_->unload(q->model_name()));
  }
  grpc::Status ModelInfer(grpc::ServerContext* ctx, const inference::ModelInferRequest* q,
                          inference::ModelInferResponse* r) override;
  // What ModelInfer did, for the metrics: the model it found, its times (us).
  struct Timing {
    std::string model;
    int64_t queue_us = 0, compute_us = 0;
  };
  grpc::Status infer(grpc::ServerContext* ctx, const inference::ModelInferRequest* q,
                     inference::ModelInferResponse* r, Timing* timing);

  grpc::Status probe(const inference::ModelInferRequest& q, inference::ModelInferResponse* r) {
    if (q.inputs_size() != 1 || q.raw_input_contents_size() != 1 || q.inputs(0).datatype() != "UINT8" ||
        q.inputs(0).shape_size() != 1 ||
        q.inputs(0).shape(0) != static_cast<int64_t>(q.raw_input_contents(0).size())) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              fmt::format("{} takes one UINT8 tensor of shape [N] with N raw bytes", net::kProbeModel)};
    }
    r->set_model_name(net::kProbeModel);
    r->set_id(q.id());
    net::set_param(r->mutable_parameters(), net::kComputeUs, int64_t{0});
    net::set_param(r->mutable_parameters(), net::kQueueUs, int64_t{0});
    set_load(r);
    return grpc::Status::OK;
  }

 private:
  void set_load(inference::ModelInferResponse* r) const {
    net::set_param(r->mutable_parameters(), net::kLoadMilli,
                   int64_t{slots_.waiting()} * 1000 / std::max(1, options_.workers));
  }
  // Every call is checked before any work is done for it.
  bool authorized(const grpc::ServerContext* ctx) const { return net::token_matches(*ctx, options_.token); }
  static grpc::Status unauthenticated() {
    return {grpc::StatusCode::UNAUTHENTICATED, "missing or wrong bearer token (authorization metadata)"};
  }

  std::shared_ptr<ModelStore> store_;
  ServerOptions options_;
  Slots slots_;
};

grpc::Status CloudServer::Service::ModelInfer(grpc::ServerContext* ctx, const inference::ModelInferRequest* q,
                                              inference::ModelInferResponse* r) {
  if (!options_.metrics) {
    Timing unused;
    return infer(ctx, q, r, &unused);
  }
  const auto t_enter = Clock::now();
  ++options_.metrics->inflight();
  Timing t;
  grpc::Status st = infer(ctx, q, r, &t);
  --options_.metrics->inflight();
  if (t.model.empty()) return st;  // no model: unknown name, probe, unauthenticated
  net::ModelCounters& c = options_.metrics->model(t.model);
  ++(st.ok() ? c.success : c.failure);
  if (!st.ok()) return st;
  c.request_us += std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t_enter).count();
  c.queue_us += t.queue_us;
  c.compute_us += t.compute_us;
  return st;
}

grpc::Status CloudServer::Service::infer(grpc::ServerContext* ctx, const inference::ModelInferRequest* q,
                                         inference::ModelInferResponse* r, Timing* timing) {
  const auto t_enter = Clock::now();
  if (!authorized(ctx)) return unauthenticated();
  if (q->model_name() == net::kProbeModel) return probe(*q, r);
  auto found = store_->find(q->model_name());
  if (!found) return to_grpc(found.status());
  const Servable& s = **found;
  timing->model = s.name;
  // Encoded inputs are decoded here (net/wire.h); timed apart from the queue.
  const auto t_decode = Clock::now();
  auto inputs = net::read_inputs(*q, s.inputs, options_.limits);
  const auto decode = Clock::now() - t_decode;
  if (!inputs) return to_grpc(inputs.status().with_context(s.name));
  if (!slots_.acquire()) {
    return {grpc::StatusCode::RESOURCE_EXHAUSTED,
            fmt::format("server busy: {} requests already wait for {} engine slot(s)", options_.max_queue,
                        options_.workers)};
  }
  const auto t_start = Clock::now();
  std::vector<exec::Tensor> outs;
  Status st = ctx->IsCancelled() ? error(Code::kCancelled, "cancelled by the client")
                                 : s.executor->run(s.segment, *inputs, &outs);
  const auto t_end = Clock::now();
  slots_.release();
  if (!st.is_ok()) return to_grpc(st.with_context(s.name));
  r->set_model_name(s.name);
  r->set_model_version("1");
  r->set_id(q->id());
  const graph::Graph& g = s.model->graph;
  for (const auto& spec : s.outputs) {
    auto it =
        std::find_if(outs.begin(), outs.end(), [&](const exec::Tensor& t) { return t.name() == spec.name; });
    if (it == outs.end())
      return {grpc::StatusCode::INTERNAL, fmt::format("{}: output '{}' missing", g.name, spec.name)};
    net::add_output(r, *it);
  }
  using us = std::chrono::microseconds;
  timing->compute_us = std::chrono::duration_cast<us>(t_end - t_start).count();
  timing->queue_us = std::chrono::duration_cast<us>(t_start - t_enter - decode).count();
  net::set_param(r->mutable_parameters(), net::kComputeUs, timing->compute_us);
  net::set_param(r->mutable_parameters(), net::kQueueUs, timing->queue_us);
  net::set_param(r->mutable_parameters(), net::kDecodeUs, std::chrono::duration_cast<us>(decode).count());
  set_load(r);
  return grpc::Status::OK;
}

Expected<std::unique_ptr<CloudServer>> CloudServer::start(std::shared_ptr<ModelStore> store,
                                                          const ServerOptions& options) {
  std::unique_ptr<CloudServer> s(new CloudServer());
  s->store_ = store;
  s->options_ = options;
  s->service_ = std::make_unique<Service>(store, options);
  grpc::ServerBuilder b;
  b.AddListeningPort(options.listen,
                     options.credentials ? options.credentials : grpc::InsecureServerCredentials(),
                     &s->port_);
  b.RegisterService(s->service_.get());
  net::apply_server_args(&b, options.limits.max_message_bytes);
  s->server_ = b.BuildAndStart();
  if (!s->server_ || s->port_ == 0) return error(Code::kIo, "cannot listen on {}", options.listen);
  return s;
}

std::string CloudServer::address() const {
  const std::string& l = options_.listen;
  return l.substr(0, l.rfind(':')) + ":" + std::to_string(port_);
}

void CloudServer::shutdown(std::chrono::milliseconds grace) {
  if (stopped_.exchange(true)) return;
  server_->Shutdown(std::chrono::system_clock::now() + grace);
}

void CloudServer::wait() { server_->Wait(); }

CloudServer::~CloudServer() { shutdown(std::chrono::milliseconds(0)); }

}  // namespace edgecut::runtime
