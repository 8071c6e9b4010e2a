// `serve --metrics-port`: Prometheus text over HTTP with Triton's metric
// names. 16 clients call an in-process server over loopback while it is
// scraped; afterwards the request counters equal the requests the clients
// made (successes and failures apart), the queue and compute counters equal
// the sums of the times every response reported in its parameters, and the
// request duration covers both. The HTTP side answers only GET /metrics and
// refuses other methods, paths and oversized requests.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cmath>
#include <map>
#include <sstream>
#include <thread>

#include "exec/split_run.h"
#include "net/client.h"
#include "net/metrics_http.h"
#include "runtime/cloud_server.h"
#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

using net::Millis;

net::ChannelOptions channel(const std::string& address) {
  net::ChannelOptions o;
  o.address = address;
  return o;
}

// One HTTP exchange with the metrics server; the whole reply.
std::string http(int port, const std::string& request) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "";
  send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(fd.get(), buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

// "name{labels}" -> value of every sample line.
std::map<std::string, double> scrape(int port) {
  const std::string r = http(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r.substr(0, 200);
  std::map<std::string, double> out;
  std::istringstream lines(r.substr(r.find("\r\n\r\n") + 4));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t sp = line.rfind(' ');
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

TEST(Metrics, CountersEqualTheRequestsAndTheTimesTheResponsesReported) {
  graph::Model m = edgecut::testing::zoo_model("googlenet", 32, 8);
  StoreOptions so;
  so.engine_name = "opencv";
  auto store = std::make_shared<ModelStore>(so);
  ASSERT_TRUE(store->add_model("googlenet", m).is_ok());
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.workers = 2;
  o.metrics = std::make_shared<net::Metrics>();
  o.metrics->set_tail_cache_bytes([store] { return store->cached_tail_bytes(); });
  auto server = CloudServer::start(store, o);
  ASSERT_TRUE(server) << server.status().message();
  auto http_server = net::MetricsHttpServer::start("127.0.0.1", 0, [mt = o.metrics] { return mt->text(); });
  ASSERT_TRUE(http_server) << http_server.status().message();
  const int port = (*http_server)->port();
  auto inputs = exec::random_tensors(m.graph, m.graph.inputs, 5);
  ASSERT_TRUE(inputs);

  constexpr int kClients = 16, kEach = 6;
  std::atomic<int64_t> ok{0}, queue_us{0}, compute_us{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      net::Client c(channel((*server)->address()));
      for (int k = 0; k < kEach; ++k) {
        auto r = c.infer("googlenet", *inputs, Millis(60000));
        if (!r) continue;
        ++ok;
        queue_us += std::llround(r->queue_ms * 1000);
        compute_us += std::llround(r->compute_ms * 1000);
      }
    });
  }
  double last = 0, max_inflight = 0;
  std::thread scraper([&] {  // scraped during the load: counters only grow
    while (!done) {
      auto s = scrape(port);
      const double now = s["nv_inference_request_success{model=\"googlenet\",version=\"1\"}"];
      EXPECT_GE(now, last);
      last = now;
      max_inflight = std::max(max_inflight, s["edgecut_inflight_requests"]);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (auto& t : clients) t.join();
  done = true;
  scraper.join();
  net::Client c(channel((*server)->address()));
  auto wrong = exec::random_tensors(m.graph, m.graph.inputs, 5);
  (*wrong)[0] = *exec::Tensor::make((*wrong)[0].name(), graph::DType::kFloat, {1, 1});
  EXPECT_FALSE(c.infer("googlenet", *wrong, Millis(5000))) << "a wrong shape is a failed request";
  EXPECT_FALSE(c.infer("nosuchmodel", *inputs, Millis(5000)));

  auto s = scrape(port);
  const std::string l = "{model=\"googlenet\",version=\"1\"}";
  EXPECT_EQ(ok.load(), kClients * kEach);
  EXPECT_EQ(s["nv_inference_request_success" + l], ok.load());
  EXPECT_EQ(s["nv_inference_count" + l], ok.load());
  EXPECT_EQ(s["nv_inference_request_failure" + l], 1);
  EXPECT_EQ(s.count("nv_inference_request_success{model=\"nosuchmodel\",version=\"1\"}"), 0u);
  EXPECT_EQ(s["nv_inference_queue_duration_us" + l], queue_us.load());
  EXPECT_EQ(s["nv_inference_compute_infer_duration_us" + l], compute_us.load());
  EXPECT_GE(s["nv_inference_request_duration_us" + l], queue_us.load() + compute_us.load());
  EXPECT_GT(compute_us.load(), 0);
  EXPECT_EQ(s["edgecut_inflight_requests"], 0);
  EXPECT_LE(max_inflight, kClients);
  EXPECT_EQ(s["edgecut_tail_cache_bytes"], store->cached_tail_bytes());
}

TEST(Metrics, HttpAnswersOnlyGetMetrics) {
  auto server = net::MetricsHttpServer::start("127.0.0.1", 0, [] { return std::string("x 1\n"); });
  ASSERT_TRUE(server) << server.status().message();
  const int port = (*server)->port();
  EXPECT_EQ(http(port, "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(http(port, "POST /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 405", 0), 0u);
  EXPECT_EQ(http(port, "GET /other HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(http(port, "garbage\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(http(port, "GET /metrics HTTP/1.1\r\nX: " + std::string(9000, 'a')).rfind("HTTP/1.1 431", 0), 0u);
  const std::string head = http(port, "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "") << "HEAD has no body";
  EXPECT_EQ(http(port, "GET /metrics HTTP/1.1\r\n\r\n").substr(0, 12), "HTTP/1.1 200") << "still serving";
}

}  // namespace
}  // namespace edgecut::runtime
