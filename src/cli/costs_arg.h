// Edge and cloud node times for plan / bench: from two profile files, or
// estimated from FLOPs when no file is given (the estimate is announced).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"

namespace edgecut::cli {

struct CostArgs {
  std::string edge_profile;
  std::string cloud_profile;
  double edge_gflops = 20;    // a Jetson-class board running OpenCV on CPU
  double cloud_gflops = 400;  // a server GPU, derated for small batches
  double overhead_us = 30;
};

void add_cost_options(CLI::App* sub, CostArgs* args);

struct NodeCosts {
  std::vector<double> edge_ms, cloud_ms;
  std::string source;  // "profiles a.json + b.json" or "estimate: 20 / 400 GFLOP/s"
  // Engines that measured the profiles ("" for estimates and older profiles).
  std::string edge_engine, cloud_engine;
};

Expected<NodeCosts> load_costs(const CostArgs& args, const graph::Graph& g);

}  // namespace edgecut::cli
