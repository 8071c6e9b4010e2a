// `edgecut bench load`: N edge clients against one `edgecut serve` over
// loopback, for overload behaviour and soak (issue: 16 clients for 10
// minutes, 0 errors, no RSS growth after warm-up).
//
// The server is a child process (its RSS is read from /proc). Clients are
// threads, each with its own gRPC channel, each bound to one of `plans`
// plans spread over the model's cut vertices (cloud-only included): a
// client sends that plan's crossing tensors (the head's real outputs, run
// once here) to the plan's tail, back to back, for `duration_s`. Mixed plans
// keep several tails resident and make the server switch between them.
//
// Reported: requests, errors by kind, throughput, latency p50 / p99, the
// server's RSS over time and its growth from the end of warm-up (2 minutes,
// or a fifth of the run if shorter) to the end.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/onnx_import.h"

namespace edgecut::eval {

struct LoadBenchOptions {
  std::string exe;        // edgecut binary that serves
  std::string model_arg;  // as given to `serve` (file or zoo:NAME)
  std::string server;     // HOST:PORT of a running server to load instead (no RSS then)
  int clients = 4;
  double duration_s = 30;
  int plans = 4;    // distinct plans, >= 1
  int workers = 2;  // server engine slots
  int max_queue = 64;
  double deadline_s = 30;                // per call
  double sample_s = 1;                   // RSS sampling period
  std::function<void(double)> progress;  // fraction done
};

struct LoadBenchReport {
  LoadBenchOptions options;
  std::vector<std::string> plans;  // "cloud-only", "cut after <node>"...
  int64_t requests = 0, errors = 0;
  std::map<std::string, int64_t> error_kinds;
  double throughput_rps = 0, p50_ms = 0, p99_ms = 0;
  std::vector<std::pair<double, double>> rss_mb;  // (seconds, MB)
  double warm_s = 0;                              // where growth is measured from
  double rss_growth_pct = 0;
  nlohmann::json to_json() const;
  std::string describe() const;
};

Expected<LoadBenchReport> run_load_bench(const graph::Model& model, const LoadBenchOptions& o);

}  // namespace edgecut::eval
