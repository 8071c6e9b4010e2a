#include "net/client.h"

#include "net/channel_args.h"
#include "net/security.h"

namespace edgecut::net {

namespace {
using Clock = std::chrono::steady_clock;
using Stub = inference::GRPCInferenceService::Stub;
}  // namespace

Client::Client(const ChannelOptions& options) : options_(options) {
  grpc::ChannelArguments args = client_channel_args(options.limits.max_message_bytes, options.keepalive_ms);
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  channel_ = grpc::CreateCustomChannel(
      options.address, options.credentials ? options.credentials : grpc::InsecureChannelCredentials(), args);
  stub_ = inference::GRPCInferenceService::NewStub(channel_);
}

void Client::prepare(grpc::ClientContext* ctx, Millis deadline) const {
  // gRPC takes system_clock deadlines only.
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::duration_cast<std::chrono::system_clock::duration>(deadline));
  if (!options_.token.empty()) ctx->AddMetadata(kAuthHeader, bearer(options_.token));
}

Expected<double> Client::ping(Millis deadline) {
  grpc::ClientContext ctx;
  prepare(&ctx, deadline);
  // Without it a channel in reconnect backoff fails the call at once, and
  // nothing polls the channel between calls: a server back up was found
  // only by gRPC's 5 s backup poller (tests/runtime/fault_test.cpp).
  ctx.set_wait_for_ready(true);
  inference::ServerLiveRequest req;
  inference::ServerLiveResponse resp;
  const auto t0 = Clock::now();
  grpc::Status s = stub_->ServerLive(&ctx, req, &resp);
  const double ms = Millis(Clock::now() - t0).count();
  EDGECUT_RETURN_IF_ERROR(from_grpc(s, "ServerLive " + options_.address));
  if (!resp.live()) return error(Code::kUnavailable, "{}: server is not live", options_.address);
  return ms;
}

Expected<inference::ServerMetadataResponse> Client::server_metadata(Millis deadline) {
  return unary(&Stub::ServerMetadata, inference::ServerMetadataRequest(), deadline, "ServerMetadata");
}

Expected<inference::ModelMetadataResponse> Client::model_metadata(const std::string& model, Millis deadline) {
  inference::ModelMetadataRequest req;
  req.set_name(model);
  return unary(&Stub::ModelMetadata, req, deadline, "ModelMetadata " + model);
}

Status Client::load(const std::string& model, const std::map<std::string, std::string>& params,
                    Millis deadline) {
  inference::RepositoryModelLoadRequest req;
  req.set_model_name(model);
  for (const auto& [k, v] : params) (*req.mutable_parameters())[k].set_string_param(v);
  return unary(&Stub::RepositoryModelLoad, req, deadline, "RepositoryModelLoad " + model).status();
}

Status Client::unload(const std::string& model, Millis deadline) {
  inference::RepositoryModelUnloadRequest req;
  req.set_model_name(model);
  return unary(&Stub::RepositoryModelUnload, req, deadline, "RepositoryModelUnload " + model).status();
}

Expected<InferReply> Client::infer(const std::string& model, const std::vector<exec::Tensor>& inputs,
                                   Millis deadline, const std::string& request_id) {
  inference::ModelInferRequest req;
  req.set_model_name(model);
  req.set_id(request_id);
  InferReply r;
  for (const auto& t : inputs) {
    add_input(&req, t);
    r.request_bytes += static_cast<int64_t>(t.bytes());
  }
  return call(req, deadline, std::move(r));
}

Expected<InferReply> Client::infer(const std::string& model, std::vector<codec::Encoded> inputs,
                                   Millis deadline, const std::string& request_id) {
  inference::ModelInferRequest req;
  req.set_model_name(model);
  req.set_id(request_id);
  InferReply r;
  for (auto& e : inputs) {
    r.request_bytes += static_cast<int64_t>(e.payload.size());
    add_encoded_input(&req, std::move(e));
  }
  return call(req, deadline, std::move(r));
}

Expected<InferReply> Client::call(inference::ModelInferRequest& req, Millis deadline, InferReply r) {
  auto resp = std::make_shared<inference::ModelInferResponse>();
  grpc::ClientContext ctx;
  prepare(&ctx, deadline);
  const auto t0 = Clock::now();
  grpc::Status s = stub_->ModelInfer(&ctx, req, resp.get());
  r.round_trip_ms = Millis(Clock::now() - t0).count();
  EDGECUT_RETURN_IF_ERROR(from_grpc(s, "ModelInfer " + req.model_name()));
  EDGECUT_ASSIGN_OR_RETURN(r.outputs, read_outputs(*resp, options_.limits, resp));
  for (const auto& t : r.outputs) r.response_bytes += static_cast<int64_t>(t.bytes());
  r.server_timed = resp->parameters().count(kComputeUs) > 0;
  r.compute_ms = static_cast<double>(int_param(resp->parameters(), kComputeUs, 0)) / 1000.0;
  r.queue_ms = static_cast<double>(int_param(resp->parameters(), kQueueUs, 0)) / 1000.0;
  r.load = static_cast<double>(int_param(resp->parameters(), kLoadMilli, -1000)) / 1000.0;
  r.decode_ms = static_cast<double>(int_param(resp->parameters(), kDecodeUs, 0)) / 1000.0;
  return r;
}

}  // namespace edgecut::net
