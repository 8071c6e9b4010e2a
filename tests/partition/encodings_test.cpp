// Encodings in the plan: exactness of qdmp with per-tensor encoding prices
// against brute force and dads-fixed, an independent check that choosing
// each tensor's encoding alone is optimal, and the calibration file contract.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <limits>

#include "partition/algorithms.h"
#include "partition/envelope.h"
#include "partition/plan_io.h"
#include "partition/qdmp.h"
#include "random_problem.h"
#include "zoo_model.h"

namespace edgecut::partition {
namespace {

TEST(Encodings, QdmpDadsFixedBruteAgreeOnTenThousandRandomDagsWithRandomEncodings) {
  int encoded_cuts = 0, interior_wins = 0;
  for (uint64_t seed = 1; seed <= 10000; ++seed) {
    auto p = testing::random_problem(seed);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    ASSERT_TRUE(cm.has_value());
    cm->encodings = testing::random_encodings(p.g, seed);
    Rates rates = cm->rates(p.net);
    Plan brute = solve_brute(*cm, p.net, rates);
    Qdmp q(*cm);
    Plan qd = q.solve(p.net, rates);
    Plan df = solve_dads(*cm, p.net, rates, true);
    for (const Plan* plan : {&brute, &qd, &df}) {
      ASSERT_TRUE(plan->valid()) << plan->algo << " seed " << seed;
      ASSERT_FALSE(plan->mispriced()) << plan->algo << " seed " << seed;
      ASSERT_EQ(plan->cut_encodings.size(), plan->cut_values.size());
    }
    ASSERT_EQ(qd.predicted.total_ns, brute.predicted.total_ns) << "qdmp, seed " << seed;
    ASSERT_EQ(df.predicted.total_ns, brute.predicted.total_ns) << "dads-fixed, seed " << seed;
    for (const auto& e : qd.cut_encodings) encoded_cuts += e != "fp32";
    const int n_edge = static_cast<int>(qd.edge_nodes.size());
    interior_wins += n_edge > 0 && n_edge < p.g.num_nodes();
  }
  EXPECT_GT(encoded_cuts, 1000) << "encodings never chosen: the test does not exercise them";
  EXPECT_GT(interior_wins, 1000);
}

// Brute force over closed sets AND every assignment of encodings to the
// crossing tensors, priced without Rates::up_ns: the per-tensor minimum is
// the joint minimum.
int64_t joint_brute(const CostModel& cm, const Network& net) {
  const Graph& g = cm.graph();
  const EncodingTable& t = *cm.encodings;
  Network fp32 = net;
  CostModel plain = cm;
  plain.encodings = nullptr;
  const Rates raw = plain.rates(fp32);
  int64_t best = std::numeric_limits<int64_t>::max();
  const int n = g.num_nodes();
  for (uint32_t mask = 0; mask < (1u << n); ++mask) {
    std::vector<char> s(n);
    for (int v = 0; v < n; ++v) s[v] = (mask >> v) & 1;
    if (!plain.is_closed(s)) continue;
    Breakdown b = plain.evaluate(s, raw);
    std::vector<ValueId> cross;
    for (ValueId x = 0; x < g.num_values(); ++x) {
      const auto& val = g.values[x];
      const bool on_edge = val.producer == graph::kNoNode || s[val.producer];
      bool cloud_reader = false;
      for (NodeId w : val.consumers) cloud_reader |= !s[w];
      if (!val.is_weight && on_edge && cloud_reader) cross.push_back(x);
    }
    const int64_t base = b.total_ns - b.uplink_ns;
    // Odometer over each crossing tensor's choices (-1: raw fp32).
    std::vector<int> pick(cross.size(), -1);
    while (true) {
      int64_t total = base;
      for (size_t i = 0; i < cross.size(); ++i) {
        if (pick[i] < 0) {
          total += raw.up_ns[cross[i]];
        } else {
          const EncodingOption& o = t.options[cross[i]][pick[i]];
          total += o.encode_ns + std::llround(o.bytes * 8e9 / net.uplink_bps) + o.decode_ns;
        }
      }
      best = std::min(best, total);
      size_t i = 0;
      while (i < cross.size() && ++pick[i] == static_cast<int>(t.options[cross[i]].size())) pick[i++] = -1;
      if (i == cross.size()) break;
    }
  }
  return best;
}

TEST(Encodings, PerTensorChoiceIsTheJointOptimum) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    auto p = testing::random_problem(seed, 9);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    cm->encodings = testing::random_encodings(p.g, seed);
    Qdmp q(*cm);
    Plan qd = q.solve(p.net);
    ASSERT_EQ(qd.predicted.total_ns, joint_brute(*cm, p.net)) << "seed " << seed;
  }
}

TEST(Encodings, EnvelopeWithEncodingsGivesTheOptimumEverywhere) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    auto p = testing::random_problem(seed, 30);
    auto cm = CostModel::create(p.g, p.te, p.tc);
    cm->encodings = testing::random_encodings(p.g, seed);
    Qdmp q(*cm);
    Envelope env = Envelope::build(q, p.net, 1e5, 1e9);
    std::mt19937_64 rng(seed);
    for (int k = 0; k < 10; ++k) {
      double bps = std::pow(10.0, 5.0 + 4.0 * static_cast<double>(rng() % 10000) / 10000.0);
      Network net = p.net;
      net.uplink_bps = bps;
      if (p.net.downlink_bps > 0) net.downlink_bps = bps * p.net.downlink_bps / p.net.uplink_bps;
      Rates rates = cm->rates(net);
      const int64_t best = q.solve(net, rates).predicted.total_ns;
      const EnvelopePiece& piece = env.lookup(bps);
      // The piece's own line (its encodings fixed) is what the runtime will pay.
      const double line = piece.a_ns + piece.b_ns_bps / bps;
      ASSERT_LE(std::abs(line - static_cast<double>(best)),
                1e-6 * static_cast<double>(best) + p.g.num_values() + 1)
          << "seed " << seed << " bps " << bps;
    }
  }
}

TEST(Calibration, RoundTripsAndRefusesAnotherModel) {
  graph::Model m = edgecut::testing::zoo_model("resnet18");
  const Graph& g = m.graph;
  Calibration c;
  c.source = "synthetic";
  c.frames = 4;
  CalibratedTensor t;
  t.value = g.inputs[0];
  t.fp32_bytes = g.values[t.value].bytes;
  t.encodings.push_back({"uint8", 3072.0, 10000, 20000, {0.01, 0.999, 1.0, 1.0, "", 1, 1}});
  t.encodings.push_back({"jpeg50", 900.0, 30000, 40000, {0.2, 0.98, 0.75, 1.0, "", 1, 1}});
  c.tensors.push_back(t);
  const std::string path = ::testing::TempDir() + "/cal.json";
  ASSERT_TRUE(write_calibration(path, c, g).is_ok());
  auto back = read_calibration(path, g);
  ASSERT_TRUE(back.has_value()) << back.status().to_string();
  ASSERT_EQ(back->tensors.size(), 1u);
  EXPECT_EQ(back->tensors[0].encodings[1].name, "jpeg50");
  EXPECT_EQ(back->tensors[0].encodings[1].decode_ns, 40000);
  auto bound = parse_fidelity_bound("0.99");
  ASSERT_TRUE(bound.has_value());
  EncodingTable tab = make_table(*back, g, {}, *bound);
  ASSERT_EQ(tab.options[g.inputs[0]].size(), 1u);  // jpeg50 fails top-1 >= 0.99
  EXPECT_EQ(tab.options[g.inputs[0]][0].name, "uint8");
  EXPECT_TRUE(make_table(*back, g, {"fp16"}, FidelityBound{}).empty());

  graph::Model other = edgecut::testing::zoo_model("mobilenet_v2");
  auto refused = read_calibration(path, other.graph);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.status().to_string().find("calibration is for model"), std::string::npos)
      << refused.status().to_string();
  EXPECT_FALSE(parse_fidelity_bound("top7=1").has_value());
  EXPECT_FALSE(parse_fidelity_bound("top1=x").has_value());
  std::ofstream(path) << R"({"kind":"edgecut-calibration","model_hash":")" << g.structure_hash()
                      << R"(","tensors":[{"value":")" << g.values[g.inputs[0]].name
                      << R"(","encodings":[{"encoding":"fp16","mean_bytes":-1}]}]})";
  auto neg = read_calibration(path, g);
  ASSERT_FALSE(neg.has_value());
  EXPECT_NE(neg.status().to_string().find("mean_bytes"), std::string::npos) << neg.status().to_string();
  // A field of the wrong type is an error naming the file, not an exception.
  const std::string typed = std::string(R"({"kind":"edgecut-calibration","model_hash":")") +
                            g.structure_hash() + R"(","frames":"eight","tensors":[]})";
  auto bad = parse_calibration_text(typed, "typed.json", g);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.status().to_string().find("typed.json"), std::string::npos) << bad.status().to_string();
}

TEST(Calibration, PlanFileListsEncodingsAndReadsThemBack) {
  graph::Model m = edgecut::testing::zoo_model("resnet18");
  const Graph& g = m.graph;
  std::vector<double> te(g.num_nodes(), 50.0), tc(g.num_nodes(), 0.01);
  auto cm = CostModel::create(g, te, tc);
  auto table = std::make_shared<EncodingTable>();
  table->options.resize(g.values.size());
  table->options[g.inputs[0]].push_back(
      {"uint8", static_cast<double>(g.values[g.inputs[0]].bytes) / 4, 0, 0, {}});
  cm->encodings = table;
  Plan p = Qdmp(*cm).solve(Network{1e6, 0, 0});
  ASSERT_TRUE(p.edge_nodes.empty());
  ASSERT_EQ(p.cut_encodings, std::vector<std::string>{"uint8"});
  const std::string path = ::testing::TempDir() + "/plan.json";
  ASSERT_TRUE(write_plan_file(path, plan_file_json(g, nlohmann::json::array({plan_to_json(p, g)}))).is_ok());
  auto back = read_plan_file(path, g);
  ASSERT_TRUE(back.has_value()) << back.status().to_string();
  ASSERT_EQ((*back)[0].cut_encodings.size(), 1u);
  EXPECT_EQ((*back)[0].cut_encodings[0].second, "uint8");
}

}  // namespace
}  // namespace edgecut::partition
