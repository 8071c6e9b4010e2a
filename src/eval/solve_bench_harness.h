// What the latency and throughput solve benchmarks share (eval/solve_bench.h):
// the setup (FLOP-estimated costs, edge 20 / cloud 400 GFLOP/s, and 20
// bandwidths from 0.1 Mbit/s to 1 Gbit/s, log-spaced, rtt 20 ms) and the
// timer. Internal to eval/.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"
#include "partition/cost_model.h"

namespace edgecut::eval {

struct SolveBenchSetup {
  partition::CostModel cm;
  std::vector<partition::Network> nets;
  std::vector<partition::Rates> rates;  // cm.rates(nets[i])
};

// O(nodes) for the costs plus O(20 x cut values) for the rates.
Expected<SolveBenchSetup> solve_bench_setup(const graph::Graph& g);

// Median over 5 rounds of the mean time per call of fn(i), i cycling over
// `period` inputs; each round runs until it has used min_ms / 5.
template <typename F>
double time_calls_us(F&& fn, int period, double min_ms) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> rounds;
  for (int r = 0; r < 5; ++r) {
    int calls = 0;
    const auto t0 = Clock::now();
    double elapsed_ms = 0;
    do {
      fn(calls % period);
      ++calls;
      elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    } while (elapsed_ms < min_ms / 5);
    rounds.push_back(elapsed_ms * 1e3 / calls);
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[2];
}

}  // namespace edgecut::eval
