#include "net/v2_server.h"

#include <fmt/format.h>

#include <algorithm>

#include "net/channel_args.h"
#include "net/proto/grpc_service.grpc.pb.h"
#include "net/security.h"
#include "net/status_map.h"
#include "net/tail_name.h"

namespace edgecut::net {

namespace {

using Clock = std::chrono::steady_clock;
using us = std::chrono::microseconds;

int64_t micros(Clock::duration d) { return std::chrono::duration_cast<us>(d).count(); }

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

void fill_specs(const std::vector<TensorSpec>& specs,
                google::protobuf::RepeatedPtrField<inference::ModelMetadataResponse::TensorMetadata>* out) {
  for (const auto& s : specs) {
    auto* m = out->Add();
    m->set_name(s.name);
    m->set_datatype(v2_datatype(s.dtype));
    for (int64_t d : s.shape) m->add_shape(d);
  }
}

grpc::Status unauthenticated() {
  return {grpc::StatusCode::UNAUTHENTICATED, "missing or wrong bearer token (authorization metadata)"};
}

}  // namespace

class V2Server::Service final : public inference::GRPCInferenceService::Service {
 public:
  Service(std::shared_ptr<Backend> backend, const V2ServerOptions& o)
      : backend_(std::move(backend)), options_(o) {}

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
    if (backend_->builds_tails()) r->add_extensions("edgecut_tails");
    return grpc::Status::OK;
  }
  grpc::Status ModelReady(grpc::ServerContext* ctx, const inference::ModelReadyRequest* q,
                          inference::ModelReadyResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    r->set_ready(backend_->find(q->name()).has_value());
    return grpc::Status::OK;
  }
  grpc::Status ModelMetadata(grpc::ServerContext* ctx, const inference::ModelMetadataRequest* q,
                             inference::ModelMetadataResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    auto m = backend_->find(q->name());
    if (!m) return to_grpc(m.status());
    r->set_name((*m)->name);
    r->add_versions("1");
    r->set_platform("onnx");
    fill_specs((*m)->inputs, r->mutable_inputs());
    fill_specs((*m)->outputs, r->mutable_outputs());
    return grpc::Status::OK;
  }
  grpc::Status RepositoryIndex(grpc::ServerContext* ctx, const inference::RepositoryIndexRequest*,
                               inference::RepositoryIndexResponse* r) override {
    if (!authorized(ctx)) return unauthenticated();
    for (const IndexEntry& e : backend_->index()) {
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
    return to_grpc(backend_->load(q->model_name(), string_param(q->parameters(), kEdgeNodesParam),
                                  string_param(q->parameters(), kModelHashParam)));
  }
  grpc::Status RepositoryModelUnload(grpc::ServerContext* ctx,
                                     const inference::RepositoryModelUnloadRequest* q,
                                     inference::RepositoryModelUnloadResponse*) override {
    if (!authorized(ctx)) return unauthenticated();
    return to_grpc(backend_->unload(q->model_name()));
  }
  grpc::Status ModelInfer(grpc::ServerContext* ctx, const inference::ModelInferRequest* q,
                          inference::ModelInferResponse* r) override;

 private:
  // What infer() did, for the metrics: the model it found, its times (us).
  struct Timing {
    std::string model;
    int64_t queue_us = 0, compute_us = 0;
  };
  grpc::Status infer(grpc::ServerContext* ctx, const inference::ModelInferRequest& q,
                     inference::ModelInferResponse* r, Timing* timing);
  grpc::Status probe(const inference::ModelInferRequest& q, inference::ModelInferResponse* r) const;
  grpc::Status respond(const ServedModel& m, const std::vector<exec::Tensor>& outs,
                       inference::ModelInferResponse* r) const;
  void set_load(inference::ModelInferResponse* r) const {
    set_param(r->mutable_parameters(), kLoadMilli, static_cast<int64_t>(backend_->load() * 1000));
  }
  // Every call is checked before any work is done for it.
  bool authorized(const grpc::ServerContext* ctx) const { return token_matches(*ctx, options_.token); }

  std::shared_ptr<Backend> backend_;
  V2ServerOptions options_;
};

grpc::Status V2Server::Service::ModelInfer(grpc::ServerContext* ctx, const inference::ModelInferRequest* q,
                                           inference::ModelInferResponse* r) {
  Timing t;
  if (!options_.metrics) return infer(ctx, *q, r, &t);
  const auto t_enter = Clock::now();
  ++options_.metrics->inflight();
  grpc::Status st = infer(ctx, *q, r, &t);
  --options_.metrics->inflight();
  if (t.model.empty()) return st;  // no model: unknown name, probe, unauthenticated
  ModelCounters& c = options_.metrics->model(t.model);
  ++(st.ok() ? c.success : c.failure);
  if (!st.ok()) return st;
  c.request_us += micros(Clock::now() - t_enter);
  c.queue_us += t.queue_us;
  c.compute_us += t.compute_us;
  return st;
}

grpc::Status V2Server::Service::infer(grpc::ServerContext* ctx, const inference::ModelInferRequest& q,
                                      inference::ModelInferResponse* r, Timing* timing) {
  const auto t_enter = Clock::now();
  if (!authorized(ctx)) return unauthenticated();
  if (q.model_name() == kProbeModel) return probe(q, r);
  auto found = backend_->find(q.model_name());
  if (!found) return to_grpc(found.status());
  const ServedModel& m = **found;
  timing->model = m.name;
  // Encoded inputs are decoded here (net/wire.h); timed apart from the queue.
  const auto t_decode = Clock::now();
  auto inputs = read_inputs(q, m.inputs, options_.limits);
  const auto t_decoded = Clock::now();
  if (!inputs) return to_grpc(inputs.status().with_context(m.name));
  std::vector<exec::Tensor> outs;
  Backend::RunTimes times;
  Status st = backend_->run(
      m, *inputs, [ctx] { return ctx->IsCancelled(); }, &outs, &times);
  if (!st.is_ok()) return to_grpc(st.with_context(m.name));
  if (grpc::Status sent = respond(m, outs, r); !sent.ok()) return sent;
  r->set_id(q.id());
  // The server's time that is not the engine's: the lookup before decoding and the slot wait.
  timing->compute_us = times.compute_us;
  timing->queue_us = micros(t_decode - t_enter) + times.queue_us;
  set_param(r->mutable_parameters(), kComputeUs, timing->compute_us);
  set_param(r->mutable_parameters(), kQueueUs, timing->queue_us);
  set_param(r->mutable_parameters(), kDecodeUs, micros(t_decoded - t_decode));
  set_load(r);
  return grpc::Status::OK;
}

grpc::Status V2Server::Service::respond(const ServedModel& m, const std::vector<exec::Tensor>& outs,
                                        inference::ModelInferResponse* r) const {
  r->set_model_name(m.name);
  r->set_model_version("1");
  for (const TensorSpec& spec : m.outputs) {
    auto it =
        std::find_if(outs.begin(), outs.end(), [&](const exec::Tensor& t) { return t.name() == spec.name; });
    if (it == outs.end())
      return {grpc::StatusCode::INTERNAL, fmt::format("{}: output '{}' missing", m.name, spec.name)};
    add_output(r, *it);
  }
  return grpc::Status::OK;
}

grpc::Status V2Server::Service::probe(const inference::ModelInferRequest& q,
                                      inference::ModelInferResponse* r) const {
  if (q.inputs_size() != 1 || q.raw_input_contents_size() != 1 || q.inputs(0).datatype() != "UINT8" ||
      q.inputs(0).shape_size() != 1 ||
      q.inputs(0).shape(0) != static_cast<int64_t>(q.raw_input_contents(0).size())) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            fmt::format("{} takes one UINT8 tensor of shape [N] with N raw bytes", kProbeModel)};
  }
  r->set_model_name(kProbeModel);
  r->set_id(q.id());
  set_param(r->mutable_parameters(), kComputeUs, int64_t{0});
  set_param(r->mutable_parameters(), kQueueUs, int64_t{0});
  set_load(r);
  return grpc::Status::OK;
}

Expected<std::unique_ptr<V2Server>> V2Server::start(std::shared_ptr<Backend> backend,
                                                    const V2ServerOptions& options) {
  std::unique_ptr<V2Server> s(new V2Server());
  s->listen_ = options.listen;
  s->service_ = std::make_unique<Service>(std::move(backend), options);
  grpc::ServerBuilder b;
  b.AddListeningPort(options.listen,
                     options.credentials ? options.credentials : grpc::InsecureServerCredentials(),
                     &s->port_);
  b.RegisterService(s->service_.get());
  apply_server_args(&b, options.limits.max_message_bytes);
  s->server_ = b.BuildAndStart();
  if (!s->server_ || s->port_ == 0) return error(Code::kIo, "cannot listen on {}", options.listen);
  return s;
}

std::string V2Server::address() const {
  return listen_.substr(0, listen_.rfind(':')) + ":" + std::to_string(port_);
}

void V2Server::shutdown(std::chrono::milliseconds grace) {
  if (stopped_.exchange(true)) return;
  server_->Shutdown(std::chrono::system_clock::now() + grace);
}

void V2Server::wait() { server_->Wait(); }

V2Server::~V2Server() { shutdown(std::chrono::milliseconds(0)); }

}  // namespace edgecut::net
