// Who may talk to whom: TLS credentials for the server and the edge (gRPC's
// own SSL credentials over Debian's OpenSSL), bearer tokens, and the rule that
// a server without credentials listens only on loopback.
//
// Tokens are secrets, so they come from a file (or an environment variable),
// never from the command line, where `ps` would show them. The server checks
// the token of every call before it does any work for it; the comparison runs
// in time independent of where the strings differ. gRPC refuses to attach
// call credentials to plaintext channels, so the edge puts the token into the
// call's metadata itself ("authorization: Bearer <token>").
//
// Preconditions: PEM files; a secret file at most 64 KiB. Errors name the file.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace edgecut::net {

// The edge's side.
struct ClientSecurity {
  bool tls = false;
  std::string ca_file;      // PEM roots to trust; "" with tls: the system's roots
  std::string cert_file;    // client certificate (mutual TLS), PEM; "" none
  std::string key_file;     // its private key, PEM
  std::string server_name;  // name to check the server's certificate against; "" the address's host
  std::string token;        // bearer token; "" none
};

// The server's side.
struct ServerSecurity {
  std::string cert_file;  // TLS on when set (with key_file)
  std::string key_file;
  std::string client_ca_file;  // mutual TLS: require a client certificate signed by this CA
  std::string token;           // every call must carry it; "" none
  bool insecure = false;       // allow plaintext on a non-loopback address
  bool tls() const { return !cert_file.empty(); }
};

inline constexpr const char* kTokenEnv = "EDGECUT_TOKEN";
inline constexpr const char* kAuthHeader = "authorization";

// Reads a small secret file (token, key); trailing whitespace is dropped.
// Fails naming the file when missing, empty or over 64 KiB.
Expected<std::string> read_secret_file(const std::string& path, const std::string& what);
// The token from `file` if given, else from $EDGECUT_TOKEN, else "".
Expected<std::string> load_token(const std::string& file);

Expected<std::shared_ptr<grpc::ChannelCredentials>> channel_credentials(const ClientSecurity& s);
Expected<std::shared_ptr<grpc::ServerCredentials>> server_credentials(const ServerSecurity& s);

// Refuses (kFailedPrecondition, with the flags that fix it) a plaintext
// listen address that is not loopback unless `insecure`.
Status check_listen_address(const std::string& listen, const ServerSecurity& s);
bool is_loopback_listen(const std::string& listen);

// True when `ctx` carries "Bearer <token>"; always true for an empty token.
bool token_matches(const grpc::ServerContext& ctx, const std::string& token);
// The metadata value the edge sends.
std::string bearer(const std::string& token);

}  // namespace edgecut::net
