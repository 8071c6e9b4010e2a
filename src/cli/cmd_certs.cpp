// edgecut certs -o DIR [--host NAME]... [--days N]
//
// A CA, a server certificate and a client certificate for TLS and mutual TLS
// between `serve` and `run` (net/certs.h), for tests and first use. Real
// deployments bring certificates from their own PKI.
#include <fmt/format.h>

#include "cli/commands.h"
#include "net/certs.h"

namespace edgecut::cli {

void register_certs(CLI::App& app) {
  auto o = std::make_shared<net::PkiOptions>();
  CLI::App* cmd =
      app.add_subcommand("certs", "Make a CA, a server and a client certificate for TLS / mutual TLS");
  cmd->add_option("-o,--out", o->dir, "Folder to write ca.pem, server.pem/.key, client.pem/.key into")
      ->required();
  cmd->add_option("--host", o->hosts, "Server names / IP addresses the server certificate is valid for")
      ->capture_default_str();
  cmd->add_option("--days", o->days, "Lifetime in days")->capture_default_str()->check(CLI::Range(1, 36500));
  cmd->callback([o] {
    Status st = net::make_pki(*o);
    if (!st.is_ok()) finish(report_error("certs", st));
    fmt::print("wrote {0}/ca.pem, {0}/server.pem + server.key (for {1}), {0}/client.pem + client.key\n",
               o->dir, fmt::join(o->hosts, ", "));
    fmt::print("  serve: --tls-cert {0}/server.pem --tls-key {0}/server.key [--tls-client-ca {0}/ca.pem]\n",
               o->dir);
    fmt::print("  run:   --tls-ca {0}/ca.pem [--tls-cert {0}/client.pem --tls-key {0}/client.key]\n", o->dir);
  });
}

}  // namespace edgecut::cli
