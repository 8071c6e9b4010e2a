// Engine speed, head to head: the whole model on each engine, interleaved run
// by run in one process (so load on a shared machine hits both alike), with
// medians and the per-model ratio of each engine's time to the first one's
// (ORT / OpenCV). `edgecut bench engines` prints it; the README's engine table
// comes from it.
//
// Per thread count: each engine prepares the whole model (a refusal, e.g.
// OpenCV 4.6 on vit_b_16, is recorded, not fatal), runs `warmup` untimed,
// then `runs` rounds each run every engine once, the order rotating per round.
// Cost: engines x threads x (warmup + runs) whole-model runs.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "graph/onnx_import.h"
#include "profile/stats.h"

namespace edgecut::eval {

struct EngineBenchOptions {
  std::vector<std::string> engines = {"opencv", "ort"};  // the first is the baseline of the ratios
  std::vector<int> threads = {1, 2};
  int runs = 30;
  int warmup = 3;
  uint64_t seed = 1;             // random input
  engine::EngineOptions engine;  // threads is overridden per row
};

struct EngineTiming {
  std::string engine;
  std::string options;  // engine::describe_options
  std::string error;    // why the engine refused the model; empty when it ran
  profile::Summary ms;  // whole-model run, ms
};

struct EngineBenchRow {
  std::string model;
  int nodes = 0;
  int threads = 1;
  std::vector<EngineTiming> engines;  // options.engines order
  // engines[k].ms.median / engines[0].ms.median; 0 where either did not run.
  std::vector<double> ratio;
};

// One row per thread count. Fails only on bad options (no engines, an unknown
// engine name, threads < 1, runs < 1).
Expected<std::vector<EngineBenchRow>> bench_engines(const graph::Model& model, const EngineBenchOptions& o);

nlohmann::json to_json(const EngineBenchRow& r);

}  // namespace edgecut::eval
