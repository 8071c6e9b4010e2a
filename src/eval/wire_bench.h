// Wire benchmark: how close one tensor upload through our gRPC stack comes to
// what plain TCP achieves on the same shaped link (issue: "our uplink time for
// a tensor is at most 3% above bytes / goodput").
//
// Model. On a testbed link shaped to R both ways (lab/testbed.h), a plain TCP
// stream's goodput G (lab/link_bench.h) gives the best time to move N bytes:
// ideal = N * 8 / G. Our uplink time for one tensor is the round trip of a
// ModelInfer carrying N raw bytes to the server's built-in probe model
// (net::kProbeModel, which answers with no outputs) minus the RTT (the least
// of several ServerLive pings) minus the server's reported compute and queue
// times. The report's ratio is median(ours) / ideal.
//
// Processes. run_wire_bench() makes the testbed, measures G, starts
// `edgecut serve MODEL --listen 10.77.0.1:PORT` in the cloud namespace and
// `edgecut bench wire --client ...` in the edge namespace (both through
// `ip netns exec`, the program being this executable unless told otherwise),
// and reads the client's JSON (run_wire_client(), which runs in that child).
// The calling thread never changes namespace. Root only.
//
// Time: about (warm-up + measured goodput bytes + (warmup + repeat) * N) * 8 / R
// plus the server's start (a second or two).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "lab/link_bench.h"

namespace edgecut::eval {

// The client half: runs where it can reach the server (the edge namespace).
struct WireClientOptions {
  std::string address;  // host:port of an edgecut (or any v2) server
  int64_t bytes = 4000000;
  int repeat = 10;          // timed calls
  int warmup = 2;           // untimed calls first (TCP window, HTTP/2 window growth)
  int pings = 10;           // ServerLive pings before and again after the timed calls
  double deadline_s = 600;  // per call
};

struct WireClientResult {
  int64_t bytes = 0;
  double rtt_ms = 0;                  // least ServerLive round trip
  std::vector<double> round_trip_ms;  // per timed call
  std::vector<double> server_ms;      // compute + queue reported by the server, per call
  std::vector<double> uplink_ms;      // round trip - rtt - server, per call
};

Expected<WireClientResult> run_wire_client(const WireClientOptions& options);
nlohmann::json to_json(const WireClientResult& r);
// Parses to_json()'s output; fails (kParseError) naming what is missing.
Expected<WireClientResult> wire_client_from_json(const std::string& text);

struct WireBenchOptions {
  double rate_bps = 100e6;  // both directions
  int64_t bytes = 4000000;
  int repeat = 10;
  int warmup = 2;
  std::string server_model = "zoo:googlenet@64/8";
  int port = 8001;                    // inside the cloud namespace, which is ours alone
  std::string program;                // the edgecut executable; "" = this process's own
  uint64_t goodput_bytes = 4u << 20;  // measured bytes of the plain TCP stream
};

struct WireBenchReport {
  WireBenchOptions options;
  LinkReport link;  // shaped rate and plain TCP goodput
  WireClientResult client;
  double ideal_ms = 0;          // bytes * 8 / goodput
  double median_uplink_ms = 0;  // ours
  double median_round_trip_ms = 0;
  double ratio = 0;           // median_uplink_ms / ideal_ms
  uint64_t shaper_drops = 0;  // uplink packets the shaper dropped during our calls

  std::string describe() const;  // several lines, for people
  nlohmann::json to_json() const;
};

// Fails (kFailedPrecondition) when not root or the testbed cannot be made
// here, (kIo) naming the process that failed otherwise. Leaves nothing behind.
Expected<WireBenchReport> run_wire_bench(const WireBenchOptions& options);

}  // namespace edgecut::eval
