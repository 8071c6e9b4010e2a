// The security flags of `serve` and `run`, in one place so both spell them
// alike. Secrets never travel on the command line: tokens come from a file
// (--token-file) or $EDGECUT_TOKEN; keys from files.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/status.h"
#include "net/client.h"
#include "net/security.h"

namespace edgecut::cli {

struct ServerSecurityArgs {
  net::ServerSecurity sec;
  std::string token_file;
};
struct ClientSecurityArgs {
  net::ClientSecurity sec;
  std::string token_file;
};

void add_server_security_options(CLI::App* cmd, ServerSecurityArgs* a);
void add_client_security_options(CLI::App* cmd, ClientSecurityArgs* a);

// Credentials + token for the server; checks the listen address rule.
Status configure_server_security(const ServerSecurityArgs& a, const std::string& listen,
                                 std::shared_ptr<grpc::ServerCredentials>* creds, std::string* token);
// Fills the channel's credentials, server name and token.
Status configure_client_security(const ClientSecurityArgs& a, net::ChannelOptions* channel);

// One line for the start-up banner: "TLS (mutual), token" / "plaintext, loopback only" ...
std::string describe_server_security(const ServerSecurityArgs& a, bool has_token, const std::string& listen);

}  // namespace edgecut::cli
