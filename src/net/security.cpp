#include "net/security.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/file.h"

namespace edgecut::net {
namespace {

constexpr int64_t kMaxSecretBytes = 64 << 10;
constexpr int64_t kMaxPemBytes = 1 << 20;

// A key, certificate or token file: bounded, and never empty.
Expected<std::string> read_bounded(const std::string& path, const std::string& what, int64_t max) {
  EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(path, what, max));
  if (text.empty()) return error(Code::kInvalidArgument, "{} '{}' is empty", what, path);
  return text;
}

Expected<std::string> read_pem(const std::string& path, const std::string& what) {
  EDGECUT_ASSIGN_OR_RETURN(std::string pem, read_bounded(path, what, kMaxPemBytes));
  if (pem.find("-----BEGIN ") == std::string::npos) {
    return error(Code::kInvalidArgument, "{} '{}' is not PEM (no -----BEGIN line)", what, path);
  }
  return pem;
}

std::string host_of(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host;
}

}  // namespace

Expected<std::string> read_secret_file(const std::string& path, const std::string& what) {
  EDGECUT_ASSIGN_OR_RETURN(std::string s, read_bounded(path, what, kMaxSecretBytes));
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  if (s.empty()) return error(Code::kInvalidArgument, "{} '{}' holds only whitespace", what, path);
  return s;
}

Expected<std::string> load_token(const std::string& file) {
  if (!file.empty()) return read_secret_file(file, "token file");
  const char* env = std::getenv(kTokenEnv);
  return std::string(env ? env : "");
}

Expected<std::shared_ptr<grpc::ChannelCredentials>> channel_credentials(const ClientSecurity& s) {
  if (!s.tls) {
    if (!s.ca_file.empty() || !s.cert_file.empty()) {
      return error(Code::kInvalidArgument, "a CA or client certificate was given without TLS (add --tls)");
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions o;
  if (!s.ca_file.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(o.pem_root_certs, read_pem(s.ca_file, "CA file"));
  }
  if (s.cert_file.empty() != s.key_file.empty()) {
    return error(Code::kInvalidArgument, "a client certificate needs both --tls-cert and --tls-key");
  }
  if (!s.cert_file.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(o.pem_cert_chain, read_pem(s.cert_file, "client certificate"));
    EDGECUT_ASSIGN_OR_RETURN(o.pem_private_key, read_pem(s.key_file, "client key"));
  }
  return grpc::SslCredentials(o);
}

Expected<std::shared_ptr<grpc::ServerCredentials>> server_credentials(const ServerSecurity& s) {
  if (!s.tls()) {
    if (!s.key_file.empty() || !s.client_ca_file.empty()) {
      return error(Code::kInvalidArgument,
                   "a key or client CA was given without a server certificate (--tls-cert)");
    }
    return grpc::InsecureServerCredentials();
  }
  if (s.key_file.empty()) return error(Code::kInvalidArgument, "--tls-cert needs --tls-key");
  grpc::SslServerCredentialsOptions o(s.client_ca_file.empty()
                                          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  EDGECUT_ASSIGN_OR_RETURN(pair.cert_chain, read_pem(s.cert_file, "server certificate"));
  EDGECUT_ASSIGN_OR_RETURN(pair.private_key, read_pem(s.key_file, "server key"));
  o.pem_key_cert_pairs.push_back(std::move(pair));
  if (!s.client_ca_file.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(o.pem_root_certs, read_pem(s.client_ca_file, "client CA file"));
  }
  return grpc::SslServerCredentials(o);
}

bool is_loopback_listen(const std::string& listen) {
  const std::string host = host_of(listen);
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Status check_listen_address(const std::string& listen, const ServerSecurity& s) {
  if (s.tls() || s.insecure || is_loopback_listen(listen)) return Status::ok();
  return error(Code::kFailedPrecondition,
               "refusing to serve plaintext on {}, which is not loopback: give --tls-cert and --tls-key "
               "(see `edgecut certs`), or --insecure to accept anyone on that network",
               listen);
}

std::string bearer(const std::string& token) { return "Bearer " + token; }

bool token_matches(const grpc::ServerContext& ctx, const std::string& token) {
  if (token.empty()) return true;
  const auto& md = ctx.client_metadata();
  auto it = md.find(kAuthHeader);
  if (it == md.end()) return false;
  const std::string want = bearer(token);
  const grpc::string_ref& got = it->second;
  // Constant time in the content: a timing side channel would reveal the
  // token byte by byte. The length is not secret.
  unsigned char diff = got.size() == want.size() ? 0 : 1;
  for (size_t i = 0; i < want.size(); ++i) {
    diff |= static_cast<unsigned char>(want[i] ^ (i < got.size() ? got.data()[i] : 0));
  }
  return diff == 0;
}

}  // namespace edgecut::net
