#include "eval/wire_bench.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "common/subprocess.h"
#include "eval/serve_process.h"
#include "lab/testbed.h"
#include "net/client.h"

namespace edgecut::eval {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double median(std::vector<double> xs) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  const size_t n = xs.size();
  return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

Expected<exec::Tensor> random_payload(int64_t bytes) {
  EDGECUT_ASSIGN_OR_RETURN(exec::Tensor t, exec::Tensor::make("payload", graph::DType::kUInt8, {bytes}));
  std::mt19937_64 rng(7);
  uint8_t* p = t.mutable_data();
  for (int64_t i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(rng() >> 56);
  return t;
}

// The least of `n` ServerLive round trips.
Expected<double> min_ping(net::Client& client, int n) {
  double best = 1e300;
  for (int i = 0; i < n; ++i) {
    EDGECUT_ASSIGN_OR_RETURN(double ms, client.ping(net::Millis(10000)));
    best = std::min(best, ms);
  }
  return best;
}

Expected<std::string> self_program() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return error(Code::kIo, "/proc/self/exe: {}", ec.message());
  return p.string();
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs the client half in the edge namespace and parses its JSON.
Expected<WireClientResult> run_client_child(const Testbed& tb, const WireBenchOptions& o,
                                            const std::string& program, const std::string& address) {
  std::vector<std::string> argv = tb.exec_prefix(Side::kEdge);
  for (const std::string& a :
       {program, std::string("bench"), std::string("wire"), std::string("--client"), address,
        std::string("--bytes"), std::to_string(o.bytes), std::string("--repeat"), std::to_string(o.repeat),
        std::string("--warmup"), std::to_string(o.warmup), std::string("--json")}) {
    argv.push_back(a);
  }
  const double call_s = static_cast<double>(o.bytes) * 8 / o.rate_bps;
  const auto limit = milliseconds(static_cast<int64_t>(60000 + 3000 * call_s * (o.repeat + o.warmup + 1)));
  EDGECUT_ASSIGN_OR_RETURN(std::string out, run_capture(argv, limit));
  return wire_client_from_json(out);
}

}  // namespace

Expected<WireClientResult> run_wire_client(const WireClientOptions& o) {
  if (o.bytes <= 0 || o.repeat <= 0 || o.warmup < 0 || o.pings <= 0) {
    return error(Code::kInvalidArgument, "wire client: bytes, repeat and pings must be > 0, warmup >= 0");
  }
  net::ChannelOptions co;
  co.address = o.address;
  co.limits.max_message_bytes = std::max<int64_t>(co.limits.max_message_bytes, o.bytes + (1 << 20));
  net::Client client(co);
  EDGECUT_ASSIGN_OR_RETURN(exec::Tensor payload, random_payload(o.bytes));
  const std::vector<exec::Tensor> inputs{payload};
  const net::Millis deadline(o.deadline_s * 1000);
  EDGECUT_ASSIGN_OR_RETURN(double rtt_before, min_ping(client, o.pings));
  for (int i = 0; i < o.warmup; ++i) {
    EDGECUT_ASSIGN_OR_RETURN(net::InferReply r, client.infer(net::kProbeModel, inputs, deadline));
  }
  WireClientResult res;
  res.bytes = o.bytes;
  for (int i = 0; i < o.repeat; ++i) {
    EDGECUT_ASSIGN_OR_RETURN(net::InferReply r, client.infer(net::kProbeModel, inputs, deadline));
    res.round_trip_ms.push_back(r.round_trip_ms);
    res.server_ms.push_back(r.compute_ms + r.queue_ms);
  }
  EDGECUT_ASSIGN_OR_RETURN(double rtt_after, min_ping(client, o.pings));
  res.rtt_ms = std::min(rtt_before, rtt_after);
  for (size_t i = 0; i < res.round_trip_ms.size(); ++i) {
    res.uplink_ms.push_back(res.round_trip_ms[i] - res.rtt_ms - res.server_ms[i]);
  }
  return res;
}

nlohmann::json to_json(const WireClientResult& r) {
  return {{"bytes", r.bytes},
          {"rtt_ms", r.rtt_ms},
          {"round_trip_ms", r.round_trip_ms},
          {"server_ms", r.server_ms},
          {"uplink_ms", r.uplink_ms}};
}

Expected<WireClientResult> wire_client_from_json(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  for (const char* key : {"bytes", "rtt_ms", "round_trip_ms", "server_ms", "uplink_ms"}) {
    if (j.is_discarded() || !j.is_object() || !j.contains(key)) {
      return error(Code::kParseError, "wire client output lacks \"{}\": {}", key, text.substr(0, 400));
    }
  }
  WireClientResult r;
  try {
    r.bytes = j["bytes"].get<int64_t>();
    r.rtt_ms = j["rtt_ms"].get<double>();
    r.round_trip_ms = j["round_trip_ms"].get<std::vector<double>>();
    r.server_ms = j["server_ms"].get<std::vector<double>>();
    r.uplink_ms = j["uplink_ms"].get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    return error(Code::kParseError, "wire client output: {}", e.what());
  }
  return r;
}

Expected<WireBenchReport> run_wire_bench(const WireBenchOptions& o) {
  if (::geteuid() != 0) {
    return error(Code::kFailedPrecondition,
                 "bench wire needs root: it makes network namespaces and tc shapers (run it as root)");
  }
  EDGECUT_RETURN_IF_ERROR(Testbed::available());
  std::string program = o.program;
  if (program.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(program, self_program());
  }
  TestbedOptions to;
  to.uplink_bps = to.downlink_bps = o.rate_bps;
  EDGECUT_ASSIGN_OR_RETURN(Testbed tb, Testbed::create(to));
  WireBenchReport rep;
  rep.options = o;
  GoodputOptions go;
  go.measured_bytes = o.goodput_bytes;
  EDGECUT_ASSIGN_OR_RETURN(rep.link, measure_link(tb, o.rate_bps, go));

  const std::string address = fmt::format("{}:{}", tb.cloud_address(), o.port);
  const std::string log = fmt::format("/tmp/edgecut-wire-serve-{}.log", ::getpid());
  std::vector<std::string> argv = tb.exec_prefix(Side::kCloud);
  for (const std::string& a : {program, std::string("serve"), o.server_model, std::string("--listen"),
                               address, std::string("--insecure")})
    argv.push_back(a);
  SpawnOptions so;
  so.stdout_path = so.stderr_path = log;
  EDGECUT_ASSIGN_OR_RETURN(Subprocess server, Subprocess::spawn(argv, so));
  Status st = wait_for_text(log, "listening on", server, 120, "edgecut serve");
  EDGECUT_ASSIGN_OR_RETURN(uint64_t drops_before, tb.shaper_drops(Side::kEdge));
  Expected<WireClientResult> client =
      st.is_ok() ? run_client_child(tb, o, program, address) : Expected<WireClientResult>(st);
  const ExitStatus ended = server.terminate(milliseconds(10000));
  const std::string server_log = read_text(log);
  std::filesystem::remove(log);
  if (!client) return client.status().with_context("bench wire client");
  if (!ended.success())
    return error(Code::kIo, "edgecut serve ended with {}: {}", ended.describe(), server_log);
  EDGECUT_ASSIGN_OR_RETURN(uint64_t drops_after, tb.shaper_drops(Side::kEdge));
  rep.client = std::move(*client);
  rep.shaper_drops = drops_after - drops_before;
  rep.ideal_ms = static_cast<double>(o.bytes) * 8 / rep.link.goodput_bps * 1000;
  rep.median_uplink_ms = median(rep.client.uplink_ms);
  rep.median_round_trip_ms = median(rep.client.round_trip_ms);
  rep.ratio = rep.median_uplink_ms / rep.ideal_ms;
  return rep;
}

std::string WireBenchReport::describe() const {
  const auto [lo, hi] = std::minmax_element(client.uplink_ms.begin(), client.uplink_ms.end());
  std::string s = fmt::format(
      "wire bench: {} calls of {} bytes to {} over a testbed link shaped to {:.4g} Mbit/s both ways\n",
      options.repeat, options.bytes, "edgecut.probe", link.shaped_bps / 1e6);
  s += fmt::format("  shaped rate:           {:10.4g} Mbit/s\n", link.shaped_bps / 1e6);
  s += fmt::format("  TCP goodput:           {:10.4g} Mbit/s ({:.3f} of shaped{})\n", link.goodput_bps / 1e6,
                   link.ratio, link.drops ? fmt::format(", {} shaper drops", link.drops) : "");
  s += fmt::format("  bytes / goodput:       {:10.2f} ms\n", ideal_ms);
  s += fmt::format("  RTT (min ServerLive):  {:10.3f} ms\n", client.rtt_ms);
  s += fmt::format(
      "  our uplink (median):   {:10.2f} ms (min {:.2f}, max {:.2f}; round trip median {:.2f} ms)\n",
      median_uplink_ms, lo == client.uplink_ms.end() ? 0 : *lo, hi == client.uplink_ms.end() ? 0 : *hi,
      median_round_trip_ms);
  s += fmt::format("  ratio ours / ideal:    {:10.4f} (target <= 1.03){}\n", ratio,
                   shaper_drops ? fmt::format("; {} shaper drops during our calls", shaper_drops) : "");
  return s;
}

nlohmann::json WireBenchReport::to_json() const {
  return {{"rate_bps", link.shaped_bps},
          {"goodput_bps", link.goodput_bps},
          {"goodput_ratio", link.ratio},
          {"goodput_drops", link.drops},
          {"bytes", options.bytes},
          {"repeat", options.repeat},
          {"warmup", options.warmup},
          {"ideal_ms", ideal_ms},
          {"rtt_ms", client.rtt_ms},
          {"median_round_trip_ms", median_round_trip_ms},
          {"median_uplink_ms", median_uplink_ms},
          {"ratio", ratio},
          {"shaper_drops", shaper_drops},
          {"client", eval::to_json(client)}};
}

}  // namespace edgecut::eval
