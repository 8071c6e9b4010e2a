// TLS, mutual TLS and bearer tokens between the edge's Client and the
// CloudServer, in process over loopback with certificates made by
// net::make_pki (what `edgecut certs` writes). Each refusal is checked with
// a real handshake or a real call; the authorised client's outputs must be
// bit-exact with those of a plaintext server.
#include "net/security.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "exec/split_run.h"
#include "net/certs.h"
#include "net/client.h"
#include "runtime/cloud_server.h"
#include "zoo_model.h"

namespace edgecut {
namespace {

namespace fs = std::filesystem;
using net::Millis;

net::PkiOptions pki_at(const fs::path& dir) {
  net::PkiOptions o;
  o.dir = dir.string();
  return o;
}
net::ServerSecurity server_sec(bool insecure, const std::string& cert) {
  net::ServerSecurity s;
  s.insecure = insecure;
  s.cert_file = cert;
  s.key_file = cert.empty() ? "" : "y";
  return s;
}
net::ClientSecurity with_token(const std::string& token) {
  net::ClientSecurity s;
  s.token = token;
  return s;
}
net::ClientSecurity trusting(const std::string& ca) {
  net::ClientSecurity s;
  s.tls = true;
  s.ca_file = ca;
  return s;
}
net::ClientSecurity with_cert(const std::string& ca, const std::string& cert, const std::string& key) {
  net::ClientSecurity s = trusting(ca);
  s.cert_file = cert;
  s.key_file = key;
  return s;
}

class Security : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / fmt::format("edgecut-security-{}", ::getpid());
    ASSERT_TRUE(net::make_pki(pki_at(dir_ / "a")).is_ok());
    ASSERT_TRUE(net::make_pki(pki_at(dir_ / "b")).is_ok());  // a stranger's PKI
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string pki(const std::string& which, const std::string& file) {
    return (dir_ / which / file).string();
  }

  // A server for a small model; `sec` as `edgecut serve` would make it.
  std::unique_ptr<runtime::CloudServer> serve(const net::ServerSecurity& sec, const std::string& token) {
    auto store = std::make_shared<runtime::ModelStore>(runtime::StoreOptions{});
    EXPECT_TRUE(store->add_model("m", testing::zoo_model("random3")).is_ok());
    runtime::ServerOptions o;
    o.listen = "127.0.0.1:0";
    auto creds = net::server_credentials(sec);
    EXPECT_TRUE(creds) << creds.status().message();
    o.credentials = *creds;
    o.token = token;
    auto s = runtime::CloudServer::start(store, o);
    EXPECT_TRUE(s) << s.status().message();
    return std::move(*s);
  }
  static net::Client client(int port, const net::ClientSecurity& sec) {
    net::ChannelOptions o;
    o.address = fmt::format("localhost:{}", port);
    auto creds = net::channel_credentials(sec);
    EXPECT_TRUE(creds) << creds.status().message();
    o.credentials = *creds;
    o.token = sec.token;
    return net::Client(o);
  }
  static Expected<std::vector<exec::Tensor>> infer(net::Client& c) {
    static const graph::Model model = testing::zoo_model("random3");
    EDGECUT_ASSIGN_OR_RETURN(auto inputs, exec::random_tensors(model.graph, model.graph.inputs, 7));
    EDGECUT_ASSIGN_OR_RETURN(net::InferReply r, c.infer("m", inputs, Millis(20000)));
    return std::move(r.outputs);
  }
  net::ServerSecurity tls_server(bool mutual) const {
    net::ServerSecurity s;
    s.cert_file = pki("a", "server.pem");
    s.key_file = pki("a", "server.key");
    if (mutual) s.client_ca_file = pki("a", "ca.pem");
    return s;
  }

  static fs::path dir_;
};
fs::path Security::dir_;

TEST_F(Security, TokenIsRequiredAndChecked) {
  auto server = serve({}, "s3cret-token");
  auto none = client(server->port(), {});
  auto r = none.ping(Millis(5000));
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("token"), std::string::npos) << r.status().message();
  auto wrong = client(server->port(), with_token("s3cret-tokem"));
  EXPECT_FALSE(wrong.ping(Millis(5000)));
  EXPECT_FALSE(infer(wrong));
  auto right = client(server->port(), with_token("s3cret-token"));
  EXPECT_TRUE(right.ping(Millis(5000)));
  EXPECT_TRUE(infer(right));
}

// A refused handshake fails the ping only at its deadline (pings wait for a
// reconnecting channel: Client::ping), so refusals get a short one.
constexpr int kRefusedMs = 1000;

TEST_F(Security, ClientThatDoesNotTrustTheServerIsRefused) {
  auto server = serve(tls_server(false), "");
  auto stranger = client(server->port(), trusting(pki("b", "ca.pem")));
  EXPECT_FALSE(stranger.ping(Millis(kRefusedMs)));
  auto plaintext = client(server->port(), {});
  EXPECT_FALSE(plaintext.ping(Millis(kRefusedMs)));
  auto trusted = client(server->port(), trusting(pki("a", "ca.pem")));
  EXPECT_TRUE(trusted.ping(Millis(5000)));
}

TEST_F(Security, MutualTlsRefusesForeignAndMissingClientCertificates) {
  auto server = serve(tls_server(true), "");
  const std::string ca = pki("a", "ca.pem");
  auto foreign = client(server->port(), with_cert(ca, pki("b", "client.pem"), pki("b", "client.key")));
  EXPECT_FALSE(foreign.ping(Millis(kRefusedMs)));
  auto anonymous = client(server->port(), trusting(ca));
  EXPECT_FALSE(anonymous.ping(Millis(kRefusedMs)));
  auto ours = client(server->port(), with_cert(ca, pki("a", "client.pem"), pki("a", "client.key")));
  EXPECT_TRUE(ours.ping(Millis(5000)));
}

TEST_F(Security, AuthorisedTlsOutputsAreBitExactWithPlaintext) {
  auto plain_server = serve({}, "");
  auto plain = client(plain_server->port(), {});
  auto want = infer(plain);
  ASSERT_TRUE(want) << want.status().message();
  auto tls_server_ = serve(tls_server(true), "tok");
  auto secure = client(tls_server_->port(), [&] {
    auto c = with_cert(pki("a", "ca.pem"), pki("a", "client.pem"), pki("a", "client.key"));
    c.token = "tok";
    return c;
  }());
  auto got = infer(secure);
  ASSERT_TRUE(got) << got.status().message();
  ASSERT_EQ(got->size(), want->size());
  for (size_t i = 0; i < got->size(); ++i) EXPECT_TRUE((*got)[i].bit_equal((*want)[i]));
}

TEST(SecurityRules, PlaintextOnlyOnLoopbackUnlessInsecure) {
  EXPECT_TRUE(net::check_listen_address("127.0.0.1:8001", {}).is_ok());
  EXPECT_TRUE(net::check_listen_address("[::1]:8001", {}).is_ok());
  EXPECT_TRUE(net::check_listen_address("localhost:0", {}).is_ok());
  Status st = net::check_listen_address("0.0.0.0:8001", {});
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("--insecure"), std::string::npos);
  EXPECT_TRUE(net::check_listen_address("0.0.0.0:8001", server_sec(true, "")).is_ok());
  EXPECT_TRUE(net::check_listen_address("0.0.0.0:8001", server_sec(false, "x")).is_ok());
}

TEST(SecurityRules, BadCredentialFilesAreNamed) {
  const fs::path d = fs::temp_directory_path() / fmt::format("edgecut-badpem-{}", ::getpid());
  fs::create_directories(d);
  std::ofstream(d / "junk.pem") << "not a certificate\n";
  std::ofstream(d / "empty.tok");
  auto c = net::channel_credentials(trusting((d / "junk.pem").string()));
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("junk.pem"), std::string::npos) << c.status().message();
  auto s = net::server_credentials(server_sec(false, (d / "missing.pem").string()));
  ASSERT_FALSE(s);
  EXPECT_NE(s.status().message().find("missing.pem"), std::string::npos);
  auto t = net::load_token((d / "empty.tok").string());
  ASSERT_FALSE(t);
  EXPECT_NE(t.status().message().find("empty.tok"), std::string::npos);
  fs::remove_all(d);
}

}  // namespace
}  // namespace edgecut
