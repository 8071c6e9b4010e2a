// `edgecut certs`: a small PKI for tests and first use. One CA; a server
// certificate for the given host names / IP addresses (subjectAltName); a
// client certificate for mutual TLS. ECDSA P-256 keys, SHA-256 signatures,
// made with OpenSSL's own API (no shelling out to the openssl tool, which
// Debian does not always install).
//
// Writes DIR/ca.pem, ca.key, server.pem, server.key, client.pem, client.key;
// keys with mode 0600. A PKI made again in another folder is a stranger to
// this one (its CA differs), which the security tests rely on.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut::net {

struct PkiOptions {
  std::string dir;
  std::vector<std::string> hosts = {"localhost", "127.0.0.1", "::1"};  // server's subjectAltName
  int days = 365;
  std::string org = "edgecut";
};

// Fails naming the file or the OpenSSL step.
Status make_pki(const PkiOptions& o);

}  // namespace edgecut::net
