#include "cli/security_args.h"

#include <fmt/format.h>

namespace edgecut::cli {

void add_server_security_options(CLI::App* cmd, ServerSecurityArgs* a) {
  cmd->add_option("--tls-cert", a->sec.cert_file, "Server certificate (PEM); turns TLS on")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tls-key", a->sec.key_file, "Server private key (PEM)")->check(CLI::ExistingFile);
  cmd->add_option("--tls-client-ca", a->sec.client_ca_file,
                  "Mutual TLS: require client certificates signed by this CA (PEM)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--token-file", a->token_file,
                  fmt::format("Require this bearer token on every call (file; or set ${})", net::kTokenEnv))
      ->check(CLI::ExistingFile);
  cmd->add_flag("--insecure", a->sec.insecure, "Allow plaintext on an address that is not loopback");
}

void add_client_security_options(CLI::App* cmd, ClientSecurityArgs* a) {
  cmd->add_flag("--tls", a->sec.tls, "Talk TLS to the server (implied by --tls-ca / --tls-cert)");
  cmd->add_option("--tls-ca", a->sec.ca_file, "Trust server certificates signed by this CA (PEM)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tls-cert", a->sec.cert_file, "Client certificate for mutual TLS (PEM)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tls-key", a->sec.key_file, "Client private key (PEM)")->check(CLI::ExistingFile);
  cmd->add_option("--tls-server-name", a->sec.server_name,
                  "Name the server's certificate must carry (default: the host of --cloud)");
  cmd->add_option("--token-file", a->token_file,
                  fmt::format("Send this bearer token (file; or set ${})", net::kTokenEnv))
      ->check(CLI::ExistingFile);
}

Status configure_server_security(const ServerSecurityArgs& a, const std::string& listen,
                                 std::shared_ptr<grpc::ServerCredentials>* creds, std::string* token) {
  EDGECUT_RETURN_IF_ERROR(net::check_listen_address(listen, a.sec));
  EDGECUT_ASSIGN_OR_RETURN(*creds, net::server_credentials(a.sec));
  EDGECUT_ASSIGN_OR_RETURN(*token, net::load_token(a.token_file));
  return Status::ok();
}

Status configure_client_security(const ClientSecurityArgs& a, net::ChannelOptions* channel) {
  net::ClientSecurity s = a.sec;
  s.tls = s.tls || !s.ca_file.empty() || !s.cert_file.empty();
  EDGECUT_ASSIGN_OR_RETURN(channel->credentials, net::channel_credentials(s));
  channel->server_name = s.server_name;
  EDGECUT_ASSIGN_OR_RETURN(channel->token, net::load_token(a.token_file));
  return Status::ok();
}

std::string describe_server_security(const ServerSecurityArgs& a, bool has_token, const std::string& listen) {
  std::string s = a.sec.tls() ? (a.sec.client_ca_file.empty() ? "TLS" : "mutual TLS") : "plaintext";
  if (!a.sec.tls()) {
    s += net::is_loopback_listen(listen) ? " (loopback only)"
                                         : " (--insecure: anyone on the network can call)";
  }
  s += has_token ? ", bearer token required" : ", no token";
  return s;
}

}  // namespace edgecut::cli
