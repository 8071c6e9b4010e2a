// Client: the edge's side of the KServe v2 protocol (any v2 server, edgecut's
// own `serve` first). One gRPC channel per server; calls are thread-safe and
// may overlap (gRPC multiplexes them over one HTTP/2 connection).
//
// Every call takes a deadline; none blocks past it. Replies carry what the
// bandwidth estimator needs: the wall-clock round trip, the bytes on the wire
// and the server's compute / queue times from the response parameters.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/tensor.h"
#include "net/proto/grpc_service.grpc.pb.h"
#include "net/status_map.h"
#include "net/wire.h"

namespace edgecut::net {

using Millis = std::chrono::duration<double, std::milli>;

struct ChannelOptions {
  std::string address;  // host:port
  WireLimits limits;
  int keepalive_ms = 10000;  // HTTP/2 pings detect a dead link in bounded time
  // From net/security.h channel_credentials(); null: plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  std::string server_name;  // TLS: name the server's certificate must carry; "" the address's host
  std::string token;        // bearer token sent with every call; "" none
};

struct InferReply {
  std::vector<exec::Tensor> outputs;  // views into the response, which they keep alive
  double round_trip_ms = 0;           // from send to last byte of the reply
  bool server_timed = false;          // the server sent its compute time (edgecut does; stock servers not)
  double compute_ms = 0;              // server's engine time (parameter), 0 if absent
  double queue_ms = 0;                // server's wait for an engine slot (parameter)
  double load = -1;                   // server's waiting requests per slot (parameter); -1 if absent
  double decode_ms = 0;               // server's decoding of encoded inputs (parameter)
  int64_t request_bytes = 0;          // raw tensor bytes sent
  int64_t response_bytes = 0;         // raw tensor bytes received
};

class Client {
 public:
  explicit Client(const ChannelOptions& options);

  const std::string& address() const { return options_.address; }
  // ServerLive round trip in ms. Waits (within the deadline) for a channel
  // that is reconnecting, so that it also drives the reconnect.
  Expected<double> ping(Millis deadline);
  Expected<inference::ServerMetadataResponse> server_metadata(Millis deadline);
  Expected<inference::ModelMetadataResponse> model_metadata(const std::string& model, Millis deadline);
  // RepositoryModelLoad with string parameters.
  Status load(const std::string& model, const std::map<std::string, std::string>& params, Millis deadline);
  Status unload(const std::string& model, Millis deadline);
  // Discovery (net/client_repository.cpp): ModelReady, RepositoryIndex.
  Expected<bool> model_ready(const std::string& model, Millis deadline);
  Expected<inference::RepositoryIndexResponse> repository_index(Millis deadline);
  Expected<InferReply> infer(const std::string& model, const std::vector<exec::Tensor>& inputs,
                             Millis deadline, const std::string& request_id = "");
  // Encoded inputs (net/wire.h, add_encoded_input): payloads are moved into
  // the request; request_bytes counts the payloads.
  Expected<InferReply> infer(const std::string& model, std::vector<codec::Encoded> inputs, Millis deadline,
                             const std::string& request_id = "");

 private:
  // Deadline and credentials of one call.
  void prepare(grpc::ClientContext* ctx, Millis deadline) const;
  // One unary RPC of the stub: prepared context, status mapped, `what` named in errors.
  template <class Req, class Resp>
  using Rpc = grpc::Status (inference::GRPCInferenceService::Stub::*)(grpc::ClientContext*, const Req&,
                                                                      Resp*);
  template <class Req, class Resp>
  Expected<Resp> unary(Rpc<Req, Resp> rpc, const Req& req, Millis deadline, const std::string& what) {
    grpc::ClientContext ctx;
    prepare(&ctx, deadline);
    Resp resp;
    EDGECUT_RETURN_IF_ERROR(from_grpc((stub_.get()->*rpc)(&ctx, req, &resp), what));
    return resp;
  }
  Expected<InferReply> call(inference::ModelInferRequest& req, Millis deadline, InferReply r);

  ChannelOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

}  // namespace edgecut::net
