#include "runtime/link_monitor.h"

#include <unistd.h>

#include <algorithm>
#include <random>

#include "net/tail_name.h"

namespace edgecut::runtime {

using Clock = std::chrono::steady_clock;
using net::Millis;

namespace {
// Probes long enough that tbf's burst (rate / HZ) and timer noise stay small
// against them: about 50 ms on the wire, often enough to see a rising link
// within a second.
net::ProbeOptions probe_options() {
  net::ProbeOptions p;
  p.target_transfer_s = 0.05;
  // 16 KiB is 0.23 s at 0.56 Mbit/s: a bigger floor held the frames of a slow
  // cellular uplink for a second per probe (bench paper E5). Above ~3 Mbit/s
  // the 50-ms target sets the size anyway.
  p.min_bytes = 16 << 10;
  p.max_bytes = 4 << 20;
  p.min_interval_s = 0.2;
  p.max_share = 0.25;  // only while the plan sends nothing: the link is idle anyway
  return p;
}
}  // namespace

LinkMonitor::LinkMonitor(net::Client& client, LinkOptions options)
    : client_(client), options_(options), start_(Clock::now()), pacer_(probe_options()) {}

LinkMonitor::~LinkMonitor() { stop(); }

void LinkMonitor::start(bool up, std::function<bool()> on_reachable) {
  up_ = up;
  bg_ = std::thread([this, f = std::move(on_reachable)] { background(f); });
}

void LinkMonitor::stop() {
  stop_ = true;
  if (bg_.joinable()) bg_.join();
}

double LinkMonitor::clock_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

double LinkMonitor::estimate_bps() const {
  if (options_.fixed_bps > 0) return options_.fixed_bps;
  std::lock_guard lock(mu_);
  return bw_.estimate_bps().value_or(options_.initial_bps);
}

double LinkMonitor::rtt_ms(double fallback_ms) const {
  std::lock_guard lock(mu_);
  return rtt_.estimate_s().value_or(fallback_ms / 1e3) * 1e3;
}

void LinkMonitor::add_rtt(double ms) {
  std::lock_guard lock(mu_);
  rtt_.add(ms / 1e3, clock_s());
}

int64_t LinkMonitor::samples() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(bw_.samples());
}

int64_t LinkMonitor::rejected() const {
  std::lock_guard lock(mu_);
  return static_cast<int64_t>(bw_.rejected());
}

double LinkMonitor::add_reply(int64_t bytes_sent, double round_trip_ms, double server_ms, int64_t down_bytes,
                              double rtt_ms, double est_bps) {
  const double down_ms = 8e3 * static_cast<double>(down_bytes) / (est_bps * options_.downlink_ratio);
  const double up_ms = round_trip_ms - server_ms - rtt_ms - down_ms;
  std::lock_guard lock(mu_);
  bw_.add(bytes_sent, up_ms / 1e3, clock_s());
  last_ = Sample{bytes_sent, up_ms / 1e3};
  return up_ms;
}

void LinkMonitor::add_timeout(int64_t bytes_sent, double elapsed_ms) {
  std::lock_guard lock(mu_);
  bw_.add(bytes_sent, elapsed_ms / 1e3, clock_s());
  last_ = Sample{bytes_sent, elapsed_ms / 1e3};
}

std::optional<LinkMonitor::Sample> LinkMonitor::last_sample() const {
  std::lock_guard lock(mu_);
  return last_;
}

std::optional<double> LinkMonitor::take_load() {
  const double load = pending_load_.exchange(-1);
  if (load < 0) return std::nullopt;
  return load;
}

double LinkMonitor::probe_once(int64_t bytes) {
  auto payload = exec::Tensor::make("payload", graph::DType::kUInt8, {bytes});
  if (!payload) return -1;
  // A deadline of a few times the transfer the estimate expects: a probe into
  // a rate drop ends early, and its timeout is a sample like a frame's.
  const double expect_ms = 8e3 * static_cast<double>(bytes) / estimate_bps() + rtt_ms(0);
  const double deadline_ms = std::clamp(4 * expect_ms + 50, 100.0, kProbeMaxMs);
  const auto t0 = Clock::now();
  auto reply = client_.infer(net::kProbeModel, {*payload}, Millis(deadline_ms));
  const double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  double server_ms = 0;
  if (reply) {
    server_ms = reply->compute_ms + reply->queue_ms;
  } else if (reply.status().code() == Code::kDeadlineExceeded) {
    add_timeout(bytes, elapsed_ms);
    return -1;
  } else if (!(stock_ && refused_after_reading(reply.status()))) {
    return -1;
  }
  std::lock_guard lock(mu_);
  const double rtt_s = rtt_.estimate_s().value_or(0);
  const double secs = (reply ? reply->round_trip_ms : elapsed_ms) / 1e3 - rtt_s - server_ms / 1e3;
  return bw_.add(bytes, secs, clock_s()) ? static_cast<double>(bytes) * 8 / secs : 0;
}

bool LinkMonitor::refused_after_reading(const Status& s) {
  // A unary gRPC handler runs only once the whole request has arrived, so a
  // stock server's "no such model" for the probe comes one upload after the
  // call began: a probe without a probe model. Triton says NOT_FOUND (since
  // 2022; before, UNAVAILABLE, which a transport failure says too: those
  // servers get no probes, as no error text is read for a code).
  const Code c = s.code();
  return c == Code::kNotFound || c == Code::kInvalidArgument || c == Code::kFailedPrecondition;
}

void LinkMonitor::maybe_probe() {
  // Probes go between frames, on the frame thread: on a slow edge a probe
  // that competes with the head for the CPU measures the CPU, not the link.
  if (!idle_ || !up_ || !options_.probe || options_.fixed_bps > 0) return;
  std::optional<int64_t> bytes;
  {
    std::lock_guard lock(mu_);
    bytes = pacer_.due(clock_s(), bw_.estimate_bps().value_or(0));
    // A probe too quick to measure says the link is faster than the
    // estimate: the next one is bigger, until one measures.
    if (bytes) bytes = std::min<int64_t>(*bytes * probe_scale_, 64 << 20);
    if (bytes) pacer_.sent(clock_s(), *bytes);
  }
  if (!bytes) return;
  const double before = estimate_bps();
  const double got = probe_once(*bytes);
  probe_scale_ = got == 0 ? std::min<int64_t>(probe_scale_ * 4, 1024) : 1;
  // A probe far from the estimate may be a step of the link: confirm it at
  // once with back-to-back probes, rather than one probe per pacing interval,
  // where two more of them are short (on a slow link the pacing confirms it).
  const double ratio = got / before;
  const double next_s = got > 0 ? 8.0 * static_cast<double>(pacer_.probe_bytes(got)) / got : INFINITY;
  if (got > 0 && (ratio > 1.25 || ratio < 0.8) && 2 * next_s < 0.25) {
    for (int i = 0; i < 2; ++i) probe_once(pacer_.probe_bytes(got));
  }
}

void LinkMonitor::initial_probes() {
  if (options_.fixed_bps > 0 || !up_) return;
  int64_t bytes = pacer_.probe_bytes(estimate_bps()) * 2;
  const auto t0 = Clock::now();
  for (int i = 0; i < 8 && samples() < 3; ++i) {
    if (std::chrono::duration<double, std::milli>(Clock::now() - t0).count() > kInitialProbingMs) break;
    const double got = probe_once(bytes);
    // Too quick: bigger. Timed out: the sample it gave sizes the next.
    bytes = got > 0    ? pacer_.probe_bytes(got) * 2
            : got == 0 ? std::min<int64_t>(bytes * 4, 64 << 20)
                       : pacer_.probe_bytes(estimate_bps());
  }
}

void LinkMonitor::poll_load() {
  // The plan sends nothing to the cloud, so no reply says how loaded it is:
  // ask with a one-byte probe.
  auto payload = exec::Tensor::make("payload", graph::DType::kUInt8, {1});
  if (!payload) return;
  auto reply = client_.infer(net::kProbeModel, {*payload}, Millis(1000));
  if (reply && reply->load >= 0) pending_load_ = reply->load;
}

void LinkMonitor::background(std::function<bool()> on_reachable) {
  double next_ping = 0;
  double backoff_s = kMinBackoffS;
  std::mt19937_64 rng(static_cast<uint64_t>(::getpid()) ^ static_cast<uint64_t>(clock_s() * 1e6));
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double now = clock_s();
    if (now < next_ping) continue;
    auto ms = client_.ping(Millis(1000));
    if (ms && up_) add_rtt(*ms);  // a ping that waited for a reconnect is no RTT
    if (ms && !up_) {
      up_ = on_reachable();
    } else if (ms && idle_ && !stock_) {
      poll_load();
    }
    if (!up_) {
      // Exponential backoff with jitter: many edges that lost one server
      // should not knock on it in step when it comes back.
      std::uniform_real_distribution<double> jitter(0.75, 1.25);
      next_ping = now + backoff_s * jitter(rng);
      backoff_s = std::min(kMaxBackoffS, backoff_s * 2);
    } else {
      next_ping = now + options_.ping_interval_ms / 1e3;
      backoff_s = kMinBackoffS;
    }
  }
}

}  // namespace edgecut::runtime
