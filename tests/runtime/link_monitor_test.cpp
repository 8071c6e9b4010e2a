// The link monitor's probes against a cloud in an outage: a real gRPC server
// (the v2 service, in this process, over loopback) that answers pings at once
// and holds every inference call for seconds, as a cellular uplink that drops
// to nothing holds an upload. Probes run on the frame thread, so each must end
// within its bound and leave a sample that pulls the estimate down; start-up
// probing must end within its budget (bench paper E5 saw the first frame of a
// 0.56 Mbit/s trace wait 27 s, and later frames 3 s apart, behind probes).
#include "runtime/link_monitor.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "net/proto/grpc_service.grpc.pb.h"

namespace edgecut::runtime {
namespace {

using Clock = std::chrono::steady_clock;

class StalledCloud final : public inference::GRPCInferenceService::Service {
 public:
  grpc::Status ServerLive(grpc::ServerContext*, const inference::ServerLiveRequest*,
                          inference::ServerLiveResponse* r) override {
    r->set_live(true);
    return grpc::Status::OK;
  }
  grpc::Status ModelInfer(grpc::ServerContext* ctx, const inference::ModelInferRequest*,
                          inference::ModelInferResponse*) override {
    // Bounded: 5 s, or until the caller gives up.
    for (int i = 0; i < 500 && !ctx->IsCancelled(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "outage");
  }
};

struct Served {
  StalledCloud service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

std::unique_ptr<Served> serve_stalled() {
  auto s = std::make_unique<Served>();
  grpc::ServerBuilder b;
  b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &s->port);
  b.RegisterService(&s->service);
  s->server = b.BuildAndStart();
  return s;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

TEST(LinkMonitor, ProbesIntoAnOutageEndWithinTheirBoundsAndLowerTheEstimate) {
  auto cloud = serve_stalled();
  ASSERT_TRUE(cloud->server);
  ASSERT_GT(cloud->port, 0);
  net::ChannelOptions co;
  co.address = "127.0.0.1:" + std::to_string(cloud->port);
  net::Client client(co);
  ASSERT_TRUE(client.ping(std::chrono::milliseconds(3000))) << "the stalled server answers pings";
  LinkOptions lo;
  lo.initial_bps = 10e6;
  lo.ping_interval_ms = 100000;  // no background pings in the way
  LinkMonitor link(client, lo);
  link.start(true, [] { return true; });

  const auto t0 = Clock::now();
  link.initial_probes();
  const double initial_ms = ms_since(t0);
  EXPECT_LT(initial_ms, LinkMonitor::kInitialProbingMs + LinkMonitor::kProbeMaxMs + 500)
      << "start-up probing past its budget";
  // A timeout is a sample: the bytes over the time waited, far under 10 Mbit/s.
  EXPECT_LT(link.estimate_bps(), 5e6);

  link.set_idle(true);
  for (int i = 0; i < 3; ++i) {
    const auto t1 = Clock::now();
    link.maybe_probe();
    EXPECT_LT(ms_since(t1), LinkMonitor::kProbeMaxMs + 500) << "probe " << i << " held the frame thread";
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  link.stop();
  cloud->server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace edgecut::runtime
