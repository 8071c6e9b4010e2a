// edgecut bench wire [--rate 100Mbps] [--bytes 4MB] [--repeat 10] [--warmup 2] [--json]
//
// Our uplink time for one tensor against plain TCP on the same shaped link
// (eval/wire_bench.h). Root only. The hidden `--client ADDR` runs the client
// half: the benchmark starts it in the edge namespace.
#include <fmt/format.h>

#include <charconv>
#include <iostream>
#include <opencv2/core/utils/logger.hpp>

#include "cli/commands.h"
#include "common/units.h"
#include "eval/wire_bench.h"

namespace edgecut::cli {
namespace {

struct WireArgs {
  std::string rate = "100Mbps";
  std::string bytes = "4MB";
  int repeat = 10;
  int warmup = 2;
  bool json = false;
  std::string model = "zoo:googlenet@64/8";
  std::string goodput_bytes = "4MiB";
  std::string client;  // hidden: run the client half against this address
};

// "4MB" = 4e6 bytes, "512kB" / "512KB", "4MiB" = 4 * 2^20, "1GB", or a bare number of bytes.
Expected<int64_t> parse_bytes(const std::string& text, const char* what = "--bytes") {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v <= 0) return error(Code::kInvalidArgument, "{} '{}': not a size", what, text);
  const std::string unit(p, text.data() + text.size());
  static const std::pair<const char*, double> kUnits[] = {{"", 1},       {"B", 1},         {"kB", 1e3},
                                                          {"KB", 1e3},   {"MB", 1e6},      {"GB", 1e9},
                                                          {"KiB", 1024}, {"MiB", 1 << 20}, {"GiB", 1 << 30}};
  for (const auto& [name, scale] : kUnits) {
    if (unit == name) return static_cast<int64_t>(v * scale);
  }
  return error(Code::kInvalidArgument, "{} '{}': unknown unit '{}' (B, kB, MB, GB, KiB, MiB, GiB)", what,
               text, unit);
}

int run_client(const WireArgs& a, int64_t bytes) {
  eval::WireClientOptions o;
  o.address = a.client;
  o.bytes = bytes;
  o.repeat = a.repeat;
  o.warmup = a.warmup;
  auto r = eval::run_wire_client(o);
  if (!r) return report_error("bench wire", r.status());
  std::cout << eval::to_json(*r).dump() << "\n";
  return 0;
}

int run_wire(const WireArgs& a) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  auto bytes = parse_bytes(a.bytes);
  if (!bytes) return report_error("bench wire", bytes.status());
  if (!a.client.empty()) return run_client(a, *bytes);
  auto rate = parse_bandwidth_bps(a.rate);
  if (!rate) return report_error("bench wire", rate.status().with_context("--rate"));
  eval::WireBenchOptions o;
  o.rate_bps = *rate;
  o.bytes = *bytes;
  o.repeat = a.repeat;
  o.warmup = a.warmup;
  o.server_model = a.model;
  auto goodput_bytes = parse_bytes(a.goodput_bytes, "--goodput-bytes");
  if (!goodput_bytes) return report_error("bench wire", goodput_bytes.status());
  o.goodput_bytes = static_cast<uint64_t>(*goodput_bytes);
  auto r = eval::run_wire_bench(o);
  if (!r) return report_error("bench wire", r.status());
  if (a.json) {
    std::cout << r->to_json().dump() << "\n";
  } else {
    fmt::print("{}", r->describe());
  }
  return 0;
}

}  // namespace

void register_bench_wire(CLI::App* bench) {
  auto a = std::make_shared<WireArgs>();
  CLI::App* cmd = bench->add_subcommand(
      "wire", "Uplink time of one tensor over gRPC vs bytes / plain TCP goodput on a shaped testbed (root)");
  cmd->add_option("--rate", a->rate, "Shaped rate, both directions")->capture_default_str();
  cmd->add_option("--bytes", a->bytes, "Tensor size (B, kB, MB = 1e6, MiB = 2^20, ...)")
      ->capture_default_str();
  cmd->add_option("--repeat", a->repeat, "Timed calls")->capture_default_str()->check(CLI::Range(1, 100000));
  cmd->add_option("--warmup", a->warmup, "Untimed calls first")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--model", a->model, "Model the server loads (the bench calls its probe model)")
      ->capture_default_str();
  cmd->add_option("--goodput-bytes", a->goodput_bytes, "Bytes timed in the plain TCP goodput measurement")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "Machine-readable output");
  cmd->add_option("--client", a->client, "Run the client half against HOST:PORT (used by the bench itself)")
      ->group("");
  cmd->callback([a] { finish(run_wire(*a)); });
}

}  // namespace edgecut::cli
