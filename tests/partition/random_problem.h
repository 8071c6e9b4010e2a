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
