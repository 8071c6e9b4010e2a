// Random partition problems for property tests: a random DAG with random
// edge / cloud times (edge sometimes faster) and a random network.
#pragma once

#include <cmath>
#include <random>

#include "graph/random_dag.h"
#include "partition/cost_model.h"

namespace edgecut::partition::testing {

struct RandomProblem {
  graph::Graph g;
  std::vector<double> te, tc;
  Network net;
};

inline RandomProblem random_problem(uint64_t seed, int max_nodes = 16) {
  RandomProblem p;
  graph::RandomDagOptions o;
  o.max_nodes = max_nodes;
  std::mt19937_64 rng(seed * 7919 + 17);
  auto u01 = [&rng] { return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0); };
  o.skip_prob = u01() * 0.6;
  o.max_fan_in = 1 + static_cast<int>(rng() % 3);
  p.g = graph::random_dag(seed, o);
  for (int v = 0; v < p.g.num_nodes(); ++v) {
    double cloud = u01() * 2.0;
    double edge = cloud * (0.3 + u01() * 20.0);  // edge usually slower, sometimes faster
    p.te.push_back(edge);
    p.tc.push_back(cloud);
  }
  p.net.uplink_bps = std::pow(10.0, 5.0 + u01() * 4.0);  // 0.1 Mbps .. 1 Gbps
  p.net.rtt_ms = (rng() % 3 == 0) ? 0.0 : u01() * 40.0;
  if (rng() % 4 == 0) p.net.downlink_bps = p.net.uplink_bps * (1 + u01() * 9);
  return p;
}

}  // namespace edgecut::partition::testing

namespace edgecut::partition::testing {

// A random encoding table: most activations get 1..3 options whose size is
// 2%..150% of the raw tensor and whose codec times are 0..2 ms, so that an
// encoding sometimes wins and sometimes loses, and cheap prices are not
// monotone in raw size.
inline std::shared_ptr<const EncodingTable> random_encodings(const graph::Graph& g, uint64_t seed) {
  std::mt19937_64 rng(seed * 104729 + 3);
  auto u01 = [&rng] { return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0); };
  auto t = std::make_shared<EncodingTable>();
  t->options.resize(g.values.size());
  for (size_t x = 0; x < g.values.size(); ++x) {
    if (g.values[x].is_weight || u01() < 0.3) continue;
    const int k = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < k; ++i) {
      EncodingOption o;
      o.name = "enc" + std::to_string(i);
      o.bytes = static_cast<double>(g.values[x].bytes) * (0.02 + 1.48 * u01());
      o.encode_ns = static_cast<int64_t>(u01() * 2e6);
      o.decode_ns = static_cast<int64_t>(u01() * 2e6);
      t->options[x].push_back(o);
    }
  }
  return t;
}

}  // namespace edgecut::partition::testing
