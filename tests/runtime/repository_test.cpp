// `serve --repository`: a Triton-layout repository that export-tails wrote,
// served in-process over loopback gRPC in both model control modes. Each
// tail answers what the same plan computes in one process (bit for bit: both
// run OpenCV, whose splits are exact); model control none refuses loads of
// what it lacks, explicit loads only from the repository; a repository whose
// tail is not the cut of its model is refused, naming the tail.
#include "runtime/repository.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "../engine/engine_test_util.h"
#include "engine/engine.h"
#include "net/client.h"
#include "net/tail_name.h"
#include "runtime/cloud_server.h"
#include "runtime/model_store.h"
#include "runtime/tail_export.h"
#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

namespace fs = std::filesystem;
using net::Millis;

net::ChannelOptions channel(const std::string& address) {
  net::ChannelOptions o;
  o.address = address;
  return o;
}

struct Fixture {
  graph::Model model = edgecut::testing::zoo_model("googlenet", 64, 4);
  std::vector<std::vector<graph::NodeId>> plans;
  std::string repo;
  Fixture() {
    std::mt19937_64 rng(7);
    while (plans.size() < 3) {
      auto edge = engine::testing::random_closed_set(model.graph, rng, 1);
      if (graph::crossings(model.graph, graph::node_mask(model.graph, edge)).up.size() >= 2)
        plans.push_back(edge);
    }
    repo = (fs::temp_directory_path() / fmt::format("ec-repo-serve-{}", getpid())).string();
    fs::remove_all(repo);
    auto written = export_tails(model, "googlenet", {plans[0], plans[1]}, repo);
    EXPECT_TRUE(written) << written.status().message();
  }
  ~Fixture() { fs::remove_all(repo); }
  std::string tail(int k) const { return net::tail_model_name("googlenet", plans[k]); }
};

std::shared_ptr<ModelStore> opencv_store() {
  StoreOptions so;
  so.engine_name = "opencv";
  return std::make_shared<ModelStore>(so);
}

std::unique_ptr<CloudServer> serve(std::shared_ptr<ModelStore> store) {
  ServerOptions o;
  o.listen = "127.0.0.1:0";
  auto s = CloudServer::start(std::move(store), o);
  EXPECT_TRUE(s) << s.status().message();
  return std::move(*s);
}

// The tail `name` on loopback gives the outputs of the split run of `edge`.
void expect_tail_matches(net::Client& c, const graph::Model& m, const std::vector<graph::NodeId>& edge,
                         const std::string& name) {
  auto ex = engine::make_executor(m, "opencv", 1);
  auto plan = exec::prepare_split(**ex, m.graph, edge);
  ASSERT_TRUE(plan);
  auto inputs = exec::random_tensors(m.graph, m.graph.inputs, 3);
  auto split = exec::run_split(**ex, m.graph, *plan, *inputs);
  ASSERT_TRUE(split) << split.status().message();
  auto reply = c.infer(name, split->crossed, Millis(30000));
  ASSERT_TRUE(reply) << reply.status().message();
  ASSERT_EQ(reply->outputs.size(), split->outputs.size());
  for (size_t k = 0; k < split->outputs.size(); ++k)
    EXPECT_TRUE(reply->outputs[k].bit_equal(split->outputs[k])) << name << " output " << k;
}

TEST(Repository, ModeNoneServesEverythingAtStartAndRefusesLoadsOfWhatItLacks) {
  Fixture f;
  auto store = opencv_store();
  auto repo = Repository::open(f.repo, ModelControl::kNone);
  ASSERT_TRUE(repo) << repo.status().message();
  store->set_repository(*repo);
  ASSERT_TRUE((*repo)->load_all(store.get()).is_ok());
  EXPECT_EQ(store->model_names().size(), 3u);  // the whole model and two tails
  auto server = serve(store);
  net::Client c(channel(server->address()));
  auto meta = c.server_metadata(Millis(5000));
  ASSERT_TRUE(meta);
  for (const auto& e : meta->extensions()) EXPECT_NE(e, "edgecut_tails") << "a repository builds no tails";
  for (int k = 0; k < 2; ++k) {
    EXPECT_TRUE(c.load(f.tail(k), {}, Millis(5000)).is_ok()) << "a loaded model loads as a no-op";
    expect_tail_matches(c, f.model, f.plans[k], f.tail(k));
  }
  expect_tail_matches(c, f.model, {}, "googlenet");
  Status missing = c.load(f.tail(2),
                          {{net::kEdgeNodesParam, net::format_node_ranges(f.plans[2])},
                           {net::kModelHashParam, f.model.graph.structure_hash()}},
                          Millis(5000));
  ASSERT_FALSE(missing.is_ok()) << "none builds no tails";
  EXPECT_NE(missing.message().find(f.tail(2)), std::string::npos) << missing.message();
}

TEST(Repository, ModeExplicitLoadsOnRequestFromTheRepositoryOnly) {
  Fixture f;
  auto store = opencv_store();
  auto repo = Repository::open(f.repo, ModelControl::kExplicit);
  ASSERT_TRUE(repo) << repo.status().message();
  store->set_repository(*repo);
  auto server = serve(store);
  net::Client c(channel(server->address()));
  auto index = store->index();
  ASSERT_EQ(index.size(), 3u);
  for (const auto& e : index) EXPECT_EQ(e.state, "UNAVAILABLE") << e.name << " is not loaded yet";
  EXPECT_FALSE(c.infer(f.tail(0), std::vector<exec::Tensor>{}, Millis(5000))) << "not loaded";
  ASSERT_TRUE(c.load(f.tail(0), {}, Millis(30000)).is_ok());
  expect_tail_matches(c, f.model, f.plans[0], f.tail(0));
  Status unknown = c.load(f.tail(2),
                          {{net::kEdgeNodesParam, net::format_node_ranges(f.plans[2])},
                           {net::kModelHashParam, f.model.graph.structure_hash()}},
                          Millis(5000));
  ASSERT_FALSE(unknown.is_ok()) << "explicit loads from the repository only";
  EXPECT_NE(unknown.message().find(f.tail(2)), std::string::npos) << unknown.message();
}

// A tail whose model.onnx is another plan's tail, or whose config states
// another edge set, or another model's hash: refused, naming the tail.
TEST(Repository, RefusesATailThatIsNotTheCutOfItsModel) {
  Fixture f;
  const std::string a = f.repo + "/" + f.tail(0), b = f.repo + "/" + f.tail(1);
  auto expect_refused = [&](const std::string& what) {
    auto store = opencv_store();
    auto repo = Repository::open(f.repo, ModelControl::kNone);
    ASSERT_TRUE(repo) << repo.status().message();
    Status st = (*repo)->load_all(store.get());
    ASSERT_FALSE(st.is_ok()) << what;
    EXPECT_NE(st.message().find("'" + f.tail(0) + "'"), std::string::npos) << what << ": " << st.message();
  };
  const std::string good = f.repo + "-good-tail";  // outside the repository, which is scanned
  fs::copy(a, good, fs::copy_options::recursive);
  fs::copy_file(b + "/1/model.onnx", a + "/1/model.onnx", fs::copy_options::overwrite_existing);
  expect_refused("another tail's model.onnx");
  fs::copy_file(good + "/1/model.onnx", a + "/1/model.onnx", fs::copy_options::overwrite_existing);
  fs::remove_all(good);
  auto cfg = read_config(a + "/config.pbtxt");
  ASSERT_TRUE(cfg) << cfg.status().message();
  inference::ModelConfig edited = *cfg;
  (*edited.mutable_parameters())[net::kEdgeNodesParam].set_string_value(net::format_node_ranges(f.plans[2]));
  std::ofstream(a + "/config.pbtxt") << config_text(edited);
  expect_refused("another edge set");
  edited = *cfg;
  (*edited.mutable_parameters())[net::kModelHashParam].set_string_value("0123456789abcdef");
  std::ofstream(a + "/config.pbtxt") << config_text(edited);
  expect_refused("another model's hash");
  std::ofstream(a + "/config.pbtxt") << config_text(*cfg);
  auto store = opencv_store();
  auto repo = Repository::open(f.repo, ModelControl::kNone);
  ASSERT_TRUE(repo);
  EXPECT_TRUE((*repo)->load_all(store.get()).is_ok()) << "restored";
}

}  // namespace
}  // namespace edgecut::runtime
