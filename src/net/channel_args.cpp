#include "net/channel_args.h"

#include <algorithm>
#include <climits>

namespace edgecut::net {

namespace {
int clamp_int(int64_t v) { return static_cast<int>(std::min<int64_t>(v, INT32_MAX)); }
}  // namespace

grpc::ChannelArguments client_channel_args(int64_t max_message_bytes, int keepalive_ms) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(clamp_int(max_message_bytes));
  args.SetMaxSendMessageSize(clamp_int(max_message_bytes));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, keepalive_ms);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, std::max(1000, keepalive_ms / 2));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // A restarted server should be found again quickly, not after gRPC's
  // default backoff of up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kStreamWindowBytes);
  return args;
}

void apply_server_args(grpc::ServerBuilder* b, int64_t max_message_bytes) {
  b->SetMaxReceiveMessageSize(clamp_int(max_message_bytes));
  b->SetMaxSendMessageSize(clamp_int(max_message_bytes));
  b->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  b->AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 1000);
  b->AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  b->AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kStreamWindowBytes);
}

}  // namespace edgecut::net
