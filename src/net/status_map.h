// The one mapping between gRPC's status codes and ours, both ways: the client
// turns a failed call into a Status the edge decides on (unavailable ->
// finish on the edge and mark the cloud down; resource exhausted -> alive but
// full; deadline exceeded -> a bound on the bandwidth), and the server turns
// a Status into the code a v2 client expects. Nothing downstream reads the
// message to recover a code. O(1).
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>

#include "common/status.h"

namespace edgecut::net {

Code code_from_grpc(grpc::StatusCode c);
grpc::StatusCode code_to_grpc(Code c);
// gRPC's name of a code ("DEADLINE_EXCEEDED").
const char* grpc_code_name(grpc::StatusCode c);

// A failed call as a Status: "<what>: <message> (<GRPC_NAME>)".
Status from_grpc(const grpc::Status& s, const std::string& what);
grpc::Status to_grpc(const Status& s);

}  // namespace edgecut::net
