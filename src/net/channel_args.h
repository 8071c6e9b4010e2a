// The HTTP/2 and gRPC channel settings both ends of the wire share: one place
// for the stream window and the keepalive rules, so the client and the server
// cannot disagree. O(1).
//
// Stream window: HTTP/2 receive window per stream with gRPC's BDP probing
// off. With the defaults (64 KiB growing by BDP estimates) an upload through
// a shaped link took 6-11% longer than plain TCP (`edgecut bench wire`, 100
// Mbit/s): the window stayed small and the link idled whenever a window
// update was late (a busy CPU). A fixed window that covers 1 Gbit/s for
// 128 ms keeps the link busy; it bounds unread bytes per stream, which the
// message size limit bounds anyway.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>

namespace edgecut::net {

inline constexpr int kStreamWindowBytes = 16 << 20;

// Client channel: size limits, keepalive pings every `keepalive_ms` (a dead
// link is noticed in bounded time), quick reconnects, the fixed window.
grpc::ChannelArguments client_channel_args(int64_t max_message_bytes, int keepalive_ms);
// Server: the same limits and window; accepts the clients' keepalive pings.
void apply_server_args(grpc::ServerBuilder* b, int64_t max_message_bytes);

}  // namespace edgecut::net
