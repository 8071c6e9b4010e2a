// Trace replay: moves a shaped link's rate along a RateTrace (lab/trace.h)
// while programs run over it.
//
// A thread wakes at every step boundary (absolute deadlines, so the schedule
// never drifts) and applies the step's rates through a setter: the testbed's
// set_rate (tbf, root) or the pacing relay's (anyone). Looping traces wrap.
//
// On the testbed, call Testbed::use_mtu_packets() first: a trace cuts the
// rate every other step, and each cut that shrinks tbf's burst would
// otherwise swap the qdisc and drop its queue (lab/tbf.h); with MTU-sized
// packets every change is made in place. Measured (TraceReplay test, root):
// with the swaps a TCP stream ran 15-25% under a 3-6 Mbit/s trace; with
// MTU packets and in-place changes, within 10% of 95.5% of the trace (the
// TCP share of tbf's rate, lab/tbf.h) in every steady second >= 1 Mbit/s.
// A pinned larger burst (that of the trace's top rate) was tried instead: tbf
// refills its bucket on every change, so the link ran 15-20% over at 1 Mbit/s.
// A side whose rate stays is not touched (Testbed::set_rate skips it).
// Outages and rates under tbf's floor (8 kbit/s) are shaped at the floor:
// nothing lower can be shaped.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/status.h"
#include "lab/trace.h"

namespace edgecut {

inline constexpr double kShapedFloorBps = 8e3;  // tbf's lowest rate (lab/tbf.h)

// One planned change: from t_s on, shape at up / down bit/s.
struct ShapedStep {
  double t_s = 0;
  double up_bps = 0, down_bps = 0;
};

// The steps to apply for one pass of `up` (and `down`, or a fixed rate when
// `down` is null): the pass lasts the longer trace, the other loops; `down`
// is read at up's step. Only steps where a rate changes are listed; the
// first is at 0.
std::vector<ShapedStep> plan_steps(const RateTrace& up, const RateTrace* down, double fixed_down_bps);

class TraceReplayer {
 public:
  using Setter = std::function<Status(double up_bps, double down_bps)>;
  // Applies steps[0] now, then each later one at its time; after the last,
  // starts over from t = period (loops) until stop(). Precondition: steps
  // sorted by t_s, steps[0].t_s == 0, period_s > 0.
  static Expected<std::unique_ptr<TraceReplayer>> start(std::vector<ShapedStep> steps, double period_s,
                                                        Setter set);
  ~TraceReplayer();
  // Stops the thread; returns the first error a setter returned (the replay
  // stops at it), or ok.
  Status stop();
  // When step 0 was applied (the trace's t = 0).
  std::chrono::steady_clock::time_point started() const { return t0_; }
  int64_t changes() const { return changes_.load(); }

 private:
  TraceReplayer() = default;
  void loop();
  std::vector<ShapedStep> steps_;
  double period_s_ = 0;
  Setter set_;
  std::chrono::steady_clock::time_point t0_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  Status error_;
  std::atomic<int64_t> changes_{0};
  std::thread thread_;
};

}  // namespace edgecut
