// The edge against a server that builds no tails: `edgecut serve
// --repository` in model control none, in-process on loopback, serving what
// export-tails wrote for one plan. The edge discovers it (no edgecut_tails
// extension), uses the ready tail without building it, drops the plan whose
// tail the repository lacks (saying so once, with the reason), keeps
// edge-only, and every frame through the tail equals the whole model run
// here bit for bit (OpenCV on both sides). A server without the whole model
// is refused at start, naming it.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <random>

#include "../engine/engine_test_util.h"
#include "engine/engine.h"
#include "net/tail_name.h"
#include "runtime/cloud_server.h"
#include "runtime/edge_client.h"
#include "runtime/model_store.h"
#include "runtime/repository.h"
#include "runtime/tail_export.h"
#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

namespace fs = std::filesystem;

struct Served {
  std::shared_ptr<ModelStore> store;
  std::unique_ptr<CloudServer> server;
};

Served serve_repository(const std::string& repo) {
  StoreOptions so;
  so.engine_name = "opencv";
  Served s{std::make_shared<ModelStore>(so), nullptr};
  auto r = Repository::open(repo, ModelControl::kNone);
  EXPECT_TRUE(r) << r.status().message();
  s.store->set_repository(*r);
  EXPECT_TRUE((*r)->load_all(s.store.get()).is_ok());
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  auto started = CloudServer::start(s.store, o);
  EXPECT_TRUE(started) << started.status().message();
  s.server = std::move(*started);
  return s;
}

EdgeOptions edge_options(const std::string& address, const std::vector<std::vector<graph::NodeId>>& plans) {
  EdgeOptions o;
  o.channel.address = address;
  o.engine_name = "opencv";
  o.fixed_bps = 1e9;  // a fast link: the split plan beats edge-only
  o.probe = false;
  o.control.algo = "fixed";
  o.control.fixed_plans = plans;
  return o;
}

TEST(StockServer, UsesTheRepositoryTailsAndDropsThePlansItLacks) {
  const graph::Model m = edgecut::testing::zoo_model("googlenet", 64, 4);
  const graph::Graph& g = m.graph;
  std::mt19937_64 rng(19);
  std::vector<std::vector<graph::NodeId>> plans;
  while (plans.size() < 2) {
    auto edge = engine::testing::random_closed_set(g, rng, 0);
    if (edge.size() > 2 && edge.size() < static_cast<size_t>(g.num_nodes()) / 3) plans.push_back(edge);
  }
  const std::string repo = (fs::temp_directory_path() / fmt::format("ec-stock-{}", getpid())).string();
  fs::remove_all(repo);
  ASSERT_TRUE(export_tails(m, g.name, {plans[0]}, repo));  // plans[1]'s tail is not exported
  Served s = serve_repository(repo);
  // A slow edge and a fast cloud: any split plan beats edge-only.
  const std::vector<double> edge_ms(g.num_nodes(), 5.0), cloud_ms(g.num_nodes(), 0.01);
  {  // both plans: the one without a tail is dropped, with its reason
    auto both = EdgeClient::create(m, edge_ms, cloud_ms, edge_options(s.server->address(), plans));
    ASSERT_TRUE(both) << both.status().message();
    const auto& notes = (*both)->start_notes();
    ASSERT_GE(notes.size(), 1u);
    for (const auto& n : notes) std::cerr << "note: " << n << "\n";
    EXPECT_NE(notes[0].find("fixed#1"), std::string::npos) << notes[0];
    EXPECT_NE(notes[0].find(net::tail_model_name(g.name, plans[1])), std::string::npos) << notes[0];
  }
  // The exported plan alone: every frame through its ready tail.
  auto client = EdgeClient::create(m, edge_ms, cloud_ms, edge_options(s.server->address(), {plans[0]}));
  ASSERT_TRUE(client) << client.status().message();
  EXPECT_EQ(s.store->model_names().size(), 2u) << "nothing was built on the server";

  auto ex = engine::make_executor(m, "opencv", 1);
  auto whole = (*ex)->prepare(graph::all_nodes(g));
  ASSERT_TRUE(whole);
  for (uint32_t f = 0; f < 3; ++f) {
    auto inputs = exec::random_tensors(g, g.inputs, 40 + f);
    FrameLog log;
    auto outs = (*client)->infer(*inputs, &log);
    ASSERT_TRUE(outs) << outs.status().message();
    EXPECT_FALSE(log.fallback) << log.note;
    EXPECT_EQ(log.edge_nodes, static_cast<int>(plans[0].size())) << "frame " << f << " ran " << log.origin;
    std::vector<exec::Tensor> want;
    ASSERT_TRUE((*ex)->run(*whole, *inputs, &want).is_ok());
    auto picked = exec::pick(g, g.outputs, want);
    ASSERT_TRUE(picked);
    ASSERT_EQ(outs->size(), picked->size());
    for (size_t k = 0; k < outs->size(); ++k)
      EXPECT_TRUE((*outs)[k].bit_equal((*picked)[k])) << "frame " << f;
  }
  client->reset();

  // A server without the whole model (it serves it under another name):
  // refused at start, naming it.
  StoreOptions so;
  so.engine_name = "opencv";
  Served bare{std::make_shared<ModelStore>(so), nullptr};
  ASSERT_TRUE(bare.store->add_model("renamed", m).is_ok());
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  auto started = CloudServer::start(bare.store, o);
  ASSERT_TRUE(started);
  bare.server = std::move(*started);
  auto refused = EdgeClient::create(m, edge_ms, cloud_ms, edge_options(bare.server->address(), plans));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.status().message().find("lacks the whole model '" + g.name + "'"), std::string::npos)
      << refused.status().message();
  fs::remove_all(repo);
}

}  // namespace
}  // namespace edgecut::runtime
