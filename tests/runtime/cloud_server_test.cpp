// CloudServer in process over loopback: engine slots, the queue bound, and
// RESOURCE_EXHAUSTED arriving at the client as its own code (never text).
#include "runtime/cloud_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "exec/split_run.h"
#include "net/client.h"
#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

using namespace std::chrono_literals;

TEST(Slots, BoundsTheQueueAndWakesWaiters) {
  Slots s(1, 1);
  ASSERT_TRUE(s.acquire());  // the slot
  std::atomic<bool> second{false};
  std::thread waiter([&] {
    second = s.acquire();  // waits in the queue
    s.release();
  });
  for (int i = 0; i < 200 && s.waiting() == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(s.waiting(), 1);
  EXPECT_FALSE(s.acquire()) << "queue of 1 is full: refused at once";
  s.release();
  waiter.join();
  EXPECT_TRUE(second);
  EXPECT_EQ(s.waiting(), 0);
}

TEST(CloudServer, AFullQueueIsResourceExhaustedAtTheClient) {
  graph::Model m = testing::zoo_model("resnet18", 96, 1);  // tens of ms per run
  StoreOptions so;
  so.engine_name = "opencv";
  auto store = std::make_shared<ModelStore>(so);
  ASSERT_TRUE(store->add_model("m", m).is_ok());
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.workers = 1;
  o.max_queue = 0;  // nothing may wait
  auto server = CloudServer::start(store, o);
  ASSERT_TRUE(server) << server.status().message();
  net::ChannelOptions co;
  co.address = (*server)->address();
  net::Client client(co);
  auto x = exec::random_tensors(m.graph, m.graph.inputs, 1);
  ASSERT_TRUE(x);
  ASSERT_TRUE(client.infer("m", *x, net::Millis(60000)));  // warm
  constexpr int kCalls = 8;
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> ts;
  for (int i = 0; i < kCalls; ++i) {
    ts.emplace_back([&] {
      while (!go) std::this_thread::yield();
      auto r = client.infer("m", *x, net::Millis(60000));
      if (r) {
        ++ok;
      } else if (r.status().code() == Code::kResourceExhausted) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok + refused, kCalls) << other << " failed otherwise";
  EXPECT_GE(ok, 1);
  EXPECT_GE(refused, 1) << "8 calls at once on 1 slot and no queue";
  (*server)->shutdown(0ms);
}

}  // namespace
}  // namespace edgecut::runtime
