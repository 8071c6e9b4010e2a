#include "net/client.h"

#include "net/security.h"

namespace edgecut::net {

namespace {
using Clock = std::chrono::steady_clock;

// HTTP/2 receive window per stream (for replies), BDP probing off: the same
// fixed window as the server's (runtime/cloud_server.cpp says why).
constexpr int kStreamWindowBytes = 16 << 20;

Code code_of(grpc::StatusCode c) {
  switch (c) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return Code::kInvalidArgument;
    case grpc::StatusCode::NOT_FOUND:
      return Code::kNotFound;
    case grpc::StatusCode::UNIMPLEMENTED:
      return Code::kUnsupported;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return Code::kFailedPrecondition;
    case grpc::StatusCode::INTERNAL:
      return Code::kInternal;
    default:  // UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED...
      return Code::kIo;
  }
}
}  // namespace

Status from_grpc(const grpc::Status& s, const std::string& what) {
  if (s.ok()) return Status::ok();
  static const char* kNames[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  const int c = static_cast<int>(s.error_code());
  const char* name = c >= 0 && c <= 16 ? kNames[c] : "?";
  return error(code_of(s.error_code()), "{}: {} ({})", what, s.error_message(), name);
}

Client::Client(const ChannelOptions& options) : options_(options) {
  grpc::ChannelArguments args;
  const int max = static_cast<int>(std::min<int64_t>(options.limits.max_message_bytes, INT32_MAX));
  args.SetMaxReceiveMessageSize(max);
  args.SetMaxSendMessageSize(max);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, options.keepalive_ms);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, std::max(1000, options.keepalive_ms / 2));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // A restarted server should be found again quickly, not after gRPC's
  // default backoff of up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kStreamWindowBytes);
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
  if (!resp.live()) return error(Code::kIo, "{}: server is not live", options_.address);
  return ms;
}

Expected<inference::ServerMetadataResponse> Client::server_metadata(Millis deadline) {
  grpc::ClientContext ctx;
  prepare(&ctx, deadline);
  inference::ServerMetadataResponse resp;
  EDGECUT_RETURN_IF_ERROR(from_grpc(stub_->ServerMetadata(&ctx, {}, &resp), "ServerMetadata"));
  return resp;
}

Expected<inference::ModelMetadataResponse> Client::model_metadata(const std::string& model, Millis deadline) {
  grpc::ClientContext ctx;
  prepare(&ctx, deadline);
  inference::ModelMetadataRequest req;
  req.set_name(model);
  inference::ModelMetadataResponse resp;
  EDGECUT_RETURN_IF_ERROR(from_grpc(stub_->ModelMetadata(&ctx, req, &resp), "ModelMetadata " + model));
  return resp;
}

Status Client::load(const std::string& model, const std::map<std::string, std::string>& params,
                    Millis deadline) {
  grpc::ClientContext ctx;
  prepare(&ctx, deadline);
  inference::RepositoryModelLoadRequest req;
  req.set_model_name(model);
  for (const auto& [k, v] : params) (*req.mutable_parameters())[k].set_string_param(v);
  inference::RepositoryModelLoadResponse resp;
  return from_grpc(stub_->RepositoryModelLoad(&ctx, req, &resp), "RepositoryModelLoad " + model);
}

Status Client::unload(const std::string& model, Millis deadline) {
  grpc::ClientContext ctx;
  prepare(&ctx, deadline);
  inference::RepositoryModelUnloadRequest req;
  req.set_model_name(model);
  inference::RepositoryModelUnloadResponse resp;
  return from_grpc(stub_->RepositoryModelUnload(&ctx, req, &resp), "RepositoryModelUnload " + model);
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
  r.compute_ms = static_cast<double>(int_param(resp->parameters(), kComputeUs, 0)) / 1000.0;
  r.queue_ms = static_cast<double>(int_param(resp->parameters(), kQueueUs, 0)) / 1000.0;
  r.load = static_cast<double>(int_param(resp->parameters(), kLoadMilli, -1000)) / 1000.0;
  r.decode_ms = static_cast<double>(int_param(resp->parameters(), kDecodeUs, 0)) / 1000.0;
  return r;
}

}  // namespace edgecut::net
