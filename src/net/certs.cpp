#include "net/certs.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace edgecut::net {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

Status ssl_error(const std::string& step) {
  char buf[256] = {0};
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return error(Code::kInternal, "OpenSSL: {}: {}", step, buf);
}

bool is_ip(const std::string& h) {
  unsigned char buf[16];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

Status add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return ssl_error("extension " + value);
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok ? Status::ok() : ssl_error("add extension " + value);
}

struct Role {
  std::string cn;
  bool ca = false;
  bool server = false;
  std::vector<std::string> hosts;
};

// A certificate for `key`, signed by (issuer, issuer_key), or self-signed.
Expected<Cert> make_cert(const PkiOptions& o, const Role& r, EVP_PKEY* key, X509* issuer,
                         EVP_PKEY* issuer_key, long serial) {
  Cert c(X509_new());
  if (!c) return ssl_error("X509_new");
  X509_set_version(c.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), 86400L * o.days);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(o.org.c_str()),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(r.cn.c_str()),
                             -1, -1, 0);
  X509* signer = issuer ? issuer : c.get();
  X509_set_issuer_name(c.get(), X509_get_subject_name(signer));
  EDGECUT_RETURN_IF_ERROR(
      add_ext(c.get(), signer, NID_basic_constraints, r.ca ? "critical,CA:TRUE" : "CA:FALSE"));
  EDGECUT_RETURN_IF_ERROR(add_ext(c.get(), signer, NID_key_usage,
                                  r.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"));
  EDGECUT_RETURN_IF_ERROR(add_ext(c.get(), signer, NID_subject_key_identifier, "hash"));
  if (!r.ca) {
    EDGECUT_RETURN_IF_ERROR(
        add_ext(c.get(), signer, NID_ext_key_usage, r.server ? "serverAuth" : "clientAuth"));
  }
  if (!r.hosts.empty()) {
    std::string san;
    for (const auto& h : r.hosts)
      san += (san.empty() ? "" : ",") + std::string(is_ip(h) ? "IP:" : "DNS:") + h;
    EDGECUT_RETURN_IF_ERROR(add_ext(c.get(), signer, NID_subject_alt_name, san));
  }
  if (!X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256())) return ssl_error("sign " + r.cn);
  return c;
}

Status write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return error(Code::kIo, "{}: cannot open for writing", path);
  if (key) ::fchmod(fileno(f), 0600);
  const int ok =
      cert ? PEM_write_X509(f, cert) : PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return error(Code::kIo, "{}: write failed", path);
  return Status::ok();
}

Expected<Key> new_key() {
  Key k(EVP_EC_gen("P-256"));
  if (!k) return ssl_error("generate P-256 key");
  return k;
}

}  // namespace

Status make_pki(const PkiOptions& o) {
  if (o.days < 1) return error(Code::kInvalidArgument, "certificate lifetime must be at least 1 day");
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec) return error(Code::kIo, "{}: cannot create: {}", o.dir, ec.message());
  EDGECUT_ASSIGN_OR_RETURN(Key ca_key, new_key());
  EDGECUT_ASSIGN_OR_RETURN(Cert ca,
                           make_cert(o, {o.org + " CA", true, false, {}}, ca_key.get(), nullptr, nullptr, 1));
  EDGECUT_ASSIGN_OR_RETURN(Key server_key, new_key());
  EDGECUT_ASSIGN_OR_RETURN(Cert server,
                           make_cert(o, {o.hosts.empty() ? "server" : o.hosts[0], false, true, o.hosts},
                                     server_key.get(), ca.get(), ca_key.get(), 2));
  EDGECUT_ASSIGN_OR_RETURN(Key client_key, new_key());
  EDGECUT_ASSIGN_OR_RETURN(
      Cert client, make_cert(o, {"edge", false, false, {}}, client_key.get(), ca.get(), ca_key.get(), 3));
  const std::string d = o.dir + "/";
  EDGECUT_RETURN_IF_ERROR(write_pem(d + "ca.pem", ca.get(), nullptr));
  EDGECUT_RETURN_IF_ERROR(write_pem(d + "ca.key", nullptr, ca_key.get()));
  EDGECUT_RETURN_IF_ERROR(write_pem(d + "server.pem", server.get(), nullptr));
  EDGECUT_RETURN_IF_ERROR(write_pem(d + "server.key", nullptr, server_key.get()));
  EDGECUT_RETURN_IF_ERROR(write_pem(d + "client.pem", client.get(), nullptr));
  return write_pem(d + "client.key", nullptr, client_key.get());
}

}  // namespace edgecut::net
