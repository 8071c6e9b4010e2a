// LinkMonitor: what the edge knows about its link to the cloud.
//
// Owns the RTT and bandwidth estimators, the probe pacer and the cloud's
// reachability; one background thread pings (ServerLive) for the RTT, polls
// the server's load while no plan sends anything, and while the cloud is
// down pings with jittered exponential backoff until it answers, then runs
// the `on_reachable` callback (the edge session's join: calibrate the cloud,
// load tails) on that thread, so no frame waits for it.
//
// The transfer sample lives here once: an answered call gives
//   up = round trip - server time - RTT - result download (at the estimate)
// for the bytes actually sent (after encoding); a call that passed its
// deadline gives a bound, those bytes over the time waited. Callers pass the
// server time they trust: the reply's parameters, or the predicted cloud time
// where a stock server sends none.
//
// Thread-safe: every method may be called from any thread. Not copyable.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "net/client.h"
#include "net/estimator.h"

namespace edgecut::runtime {

struct LinkOptions {
  double initial_bps = 10e6;  // assumed before the first sample
  double fixed_bps = 0;       // > 0: report this, ignore samples (tests)
  double ping_interval_ms = 500;
  bool probe = true;
  double downlink_ratio = 1.0;  // downlink / uplink, for the result's download time
};

class LinkMonitor {
 public:
  // `client` must outlive the monitor.
  LinkMonitor(net::Client& client, LinkOptions options);
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  // Starts the background thread. `up`: whether the cloud answered at start.
  // `on_reachable` runs on that thread after a down cloud answers a ping; it
  // returns true when the cloud is usable again (its tails are loaded).
  void start(bool up, std::function<bool()> on_reachable);
  void stop();

  double clock_s() const;  // seconds since the monitor was made
  double estimate_bps() const;
  double rtt_ms(double fallback_ms) const;
  void add_rtt(double ms);
  int64_t samples() const;
  int64_t rejected() const;

  bool up() const { return up_; }
  void mark_down() { up_ = false; }

  // An answered call: returns the upload time it implies (ms).
  double add_reply(int64_t bytes_sent, double round_trip_ms, double server_ms, int64_t down_bytes,
                   double rtt_ms, double est_bps);
  // A call that passed its deadline after `elapsed_ms`: a bound that pulls the estimate down.
  void add_timeout(int64_t bytes_sent, double elapsed_ms);

  // The last transfer sample of a call (not of a probe): bytes and seconds.
  struct Sample {
    int64_t bytes = 0;
    double seconds = 0;
  };
  std::optional<Sample> last_sample() const;

  // The server has no probe model and reports no load (a stock v2 server):
  // probes time its refusal of the probe model, no load polls.
  void set_stock_server() { stock_ = true; }

  // Whether the current plan sends nothing (then probes and load polls run).
  void set_idle(bool idle) { idle_ = idle; }
  // Between frames, on the frame thread: a probe when one is due. It holds
  // the thread a few times its expected transfer at most (kProbeMaxMs).
  void maybe_probe();
  // Before the first frame: a few probes so it plans against a measurement,
  // kInitialProbingMs in all at most (a link in an outage must not hold the
  // camera's first frame).
  void initial_probes();

  // The server's load (waiting requests per slot), seen by a reply, a poll
  // or a refused call; taken once.
  void report_load(double load) { pending_load_ = load; }
  void report_refused() { pending_load_ = kRefusedLoad; }
  std::optional<double> take_load();

  static constexpr double kRefusedLoad = 4.0;        // load assumed from RESOURCE_EXHAUSTED
  static constexpr double kProbeMaxMs = 1000;        // one probe's deadline, at most
  static constexpr double kInitialProbingMs = 1500;  // all start-up probes together

 private:
  // > 0: the rate it measured; 0: answered too quickly to measure (the next
  // one is bigger); < 0: failed or ran out of time (a timeout is a sample).
  double probe_once(int64_t bytes);
  static bool refused_after_reading(const Status& s);
  void background(std::function<bool()> on_reachable);
  void poll_load();

  static constexpr double kMinBackoffS = 0.1, kMaxBackoffS = 2.0;

  net::Client& client_;
  LinkOptions options_;
  std::chrono::steady_clock::time_point start_;
  mutable std::mutex mu_;  // the estimators and the pacer
  net::BandwidthEstimator bw_;
  net::RttEstimator rtt_;
  net::ProbePacer pacer_;
  std::optional<Sample> last_;
  int64_t probe_scale_ = 1;  // grows while probes are too quick to measure
  std::atomic<bool> up_{false}, idle_{false}, stop_{false}, stock_{false};
  std::atomic<double> pending_load_{-1};
  std::thread bg_;
};

}  // namespace edgecut::runtime
