// Every config.pbtxt that export-tails writes parses against Triton's model
// configuration schema (src/net/proto/model_config.proto, written from
// Triton's model_config.proto with its field numbers) in protobuf's text
// format, for random plans of the test models with 1 to 14 crossing tensors,
// encoded inputs (fp16, int8 with its scalar scale / zero point, the uint8
// camera frame) included; and each config describes its model: the names,
// types and shapes of the exported model.onnx's inputs and outputs, and, as
// parameters, the whole model's name and structure hash and the edge set.
#include "runtime/triton_config.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "../engine/engine_test_util.h"
#include "net/tail_name.h"
#include "runtime/tail_export.h"
#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

struct Plan {
  std::vector<graph::NodeId> edge;
  PlanEncodings enc;
};

// Random plans whose crossing counts cover as many of 1..14 as `tries` find,
// each crossing tensor encoded at random (the camera frame as uint8 too).
std::vector<Plan> random_plans(const graph::Graph& g, std::mt19937_64& rng, std::set<size_t>* counts) {
  std::vector<Plan> plans;
  const char* kEnc[] = {"fp32", "fp16", "int8"};
  for (int attempt = 0; attempt < 3000 && counts->size() < 14; ++attempt) {
    Plan p;
    p.edge = engine::testing::random_closed_set(g, rng, attempt % 2);
    const auto up = graph::crossings(g, graph::node_mask(g, p.edge)).up;
    if (up.empty() || up.size() > 14 || !counts->insert(up.size()).second) continue;
    for (graph::ValueId x : up) {
      const bool input = std::find(g.inputs.begin(), g.inputs.end(), x) != g.inputs.end();
      p.enc.push_back({x, input ? "uint8" : kEnc[rng() % 3]});
    }
    plans.push_back(std::move(p));
  }
  plans.push_back({{}, {{g.inputs[0], "uint8"}}});  // cloud-only with the uint8 frame
  return plans;
}

// A config's tensors against the exported model's graph inputs / outputs.
template <typename T>
void expect_tensors(const google::protobuf::RepeatedPtrField<T>& cfg, const graph::Graph& tail,
                    const std::vector<graph::ValueId>& values, const std::string& what) {
  ASSERT_EQ(static_cast<size_t>(cfg.size()), values.size()) << what;
  for (const T& t : cfg) {
    auto it = std::find_if(values.begin(), values.end(),
                           [&](graph::ValueId x) { return tail.values[x].name == t.name(); });
    ASSERT_NE(it, values.end()) << what << ": " << t.name() << " is not in model.onnx";
    const graph::Value& v = tail.values[*it];
    EXPECT_EQ(inference::DataType_Name(t.data_type()), triton_type(v.dtype)) << what << " " << t.name();
    std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
    if (t.has_reshape()) {  // a scalar: dims [1], reshaped to []
      EXPECT_EQ(dims, std::vector<int64_t>{1}) << what << " " << t.name();
      dims.assign(t.reshape().shape().begin(), t.reshape().shape().end());
    }
    EXPECT_EQ(dims, v.shape) << what << " " << t.name();
  }
}

void check_repository(const graph::Model& m, const std::string& name, const std::vector<Plan>& plans,
                      const std::string& repo) {
  const graph::Graph& g = m.graph;
  std::map<std::string, const Plan*> by_digest;
  for (const Plan& p : plans) by_digest[p.edge.empty() ? "" : net::edge_set_digest(p.edge)] = &p;
  int configs = 0, scalars = 0, encoded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(repo)) {
    const std::string dir = entry.path().filename().string();
    const std::string text = slurp(entry.path() / "config.pbtxt");
    inference::ModelConfig c;
    // The schema itself, strict: unknown fields or bad syntax fail here.
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &c)) << dir << ":\n" << text;
    ++configs;
    EXPECT_EQ(c.name(), dir);
    EXPECT_EQ(c.platform(), "onnxruntime_onnx");
    EXPECT_EQ(c.max_batch_size(), 0);
    auto tail = graph::load_model((entry.path() / "1" / "model.onnx").string());
    ASSERT_TRUE(tail) << dir << ": " << tail.status().message();
    expect_tensors(c.input(), tail->graph, tail->graph.inputs, dir + " input");
    expect_tensors(c.output(), tail->graph, tail->graph.outputs, dir + " output");
    for (const auto& in : c.input()) scalars += in.has_reshape();
    const ConfigInfo info = config_info(c);
    EXPECT_EQ(info.model_hash, g.structure_hash()) << dir;
    if (dir == name) {
      EXPECT_TRUE(info.base_model.empty() && info.edge_nodes.empty()) << dir << " is the whole model";
      continue;
    }
    EXPECT_EQ(info.base_model, name) << dir;
    std::string model, digest;
    const bool is_tail = net::parse_tail_name(dir.substr(0, dir.find(".enc-")), &model, &digest);
    auto plan = by_digest.find(is_tail ? digest : "");
    ASSERT_NE(plan, by_digest.end()) << dir << " is no plan's tail";
    auto edge = net::parse_node_ranges(info.edge_nodes, g.num_nodes());
    ASSERT_TRUE(edge) << dir << ": " << edge.status().message();
    EXPECT_EQ(*edge, plan->second->edge) << dir;
    encoded += !info.encodings.empty();
    EXPECT_EQ(info.encodings.empty(), dir.find(".enc-") == std::string::npos)
        << dir << ": " << info.encodings;
  }
  EXPECT_GE(configs, 2);
  EXPECT_GT(scalars, 0) << "no int8 scale / zero point input was exported";
  EXPECT_GT(encoded, 0);
}

TEST(TritonConfig, EveryExportedConfigParsesAgainstTritonsSchema) {
  std::set<size_t> counts;
  std::mt19937_64 rng(22);
  for (const char* zoo : {"googlenet", "densenet121"}) {
    const graph::Model m = edgecut::testing::zoo_model(zoo, 64, 4);
    const std::vector<Plan> plans = random_plans(m.graph, rng, &counts);
    std::vector<std::vector<graph::NodeId>> sets;
    std::vector<PlanEncodings> encs;
    for (const Plan& p : plans) {
      sets.push_back(p.edge);
      encs.push_back(p.enc);
    }
    const std::string repo =
        (std::filesystem::temp_directory_path() / fmt::format("ec-triton-{}-{}", zoo, getpid())).string();
    auto written = export_tails(m, zoo, sets, repo, encs);
    ASSERT_TRUE(written) << written.status().message();
    ASSERT_EQ((*written)[0].name, zoo) << "the repository holds the whole model";
    check_repository(m, zoo, plans, repo);
    std::filesystem::remove_all(repo);
  }
  for (size_t k = 1; k <= 14; ++k)
    EXPECT_TRUE(counts.count(k)) << "no plan with " << k << " crossing tensors";
}

// The text export-tails wrote before it used the schema (a dims list closed
// by a brace) is refused, naming the file, line and column.
TEST(TritonConfig, ParseErrorsNameTheLine) {
  const std::string bad =
      "name: \"m\"\ninput [\n  {\n    name: \"x\"\n    data_type: TYPE_FP32\n"
      "    dims: [ 1, 16, 54, 54 }\n  }\n]\n";
  auto c = parse_config(bad, "m/config.pbtxt");
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("m/config.pbtxt: "), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("line 6"), std::string::npos) << c.status().message();
  auto unknown = parse_config("name: \"m\"\ndynamic_batching { }\n", "m/config.pbtxt");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.status().message().find("dynamic_batching"), std::string::npos)
      << unknown.status().message();
}

}  // namespace
}  // namespace edgecut::runtime
