#include "lab/trace_replay.h"

#include <algorithm>
#include <cmath>

namespace edgecut {
std::vector<ShapedStep> plan_steps(const RateTrace& up, const RateTrace* down, double fixed_down_bps) {
  const double step = up.step_s;
  const double period = std::max(up.duration_s(), down ? down->duration_s() : 0.0);
  const auto n = std::max<size_t>(1, static_cast<size_t>(std::llround(period / step)));
  std::vector<ShapedStep> out;
  for (size_t k = 0; k < n; ++k) {
    const double t = static_cast<double>(k) * step;
    // Read at the step's middle: robust to rounding at the edges.
    ShapedStep s{t, std::max(up.rate_at(t + step / 2), kShapedFloorBps),
                 std::max(down ? down->rate_at(t + step / 2) : fixed_down_bps, kShapedFloorBps)};
    if (out.empty() || s.up_bps != out.back().up_bps || s.down_bps != out.back().down_bps) out.push_back(s);
  }
  return out;
}

Expected<std::unique_ptr<TraceReplayer>> TraceReplayer::start(std::vector<ShapedStep> steps, double period_s,
                                                              Setter set) {
  if (steps.empty() || steps[0].t_s != 0 || !(period_s > 0) || !set) {
    return error(Code::kInvalidArgument,
                 "trace replay needs steps from t = 0, a positive period and a setter");
  }
  for (size_t i = 1; i < steps.size(); ++i) {
    if (!(steps[i].t_s > steps[i - 1].t_s) || steps[i].t_s >= period_s) {
      return error(Code::kInvalidArgument, "trace replay: step {} at {} s is out of order", i, steps[i].t_s);
    }
  }
  std::unique_ptr<TraceReplayer> r(new TraceReplayer());
  r->steps_ = std::move(steps);
  r->period_s_ = period_s;
  r->set_ = std::move(set);
  // The first step on the caller's thread: an error surfaces at once.
  EDGECUT_RETURN_IF_ERROR(r->set_(r->steps_[0].up_bps, r->steps_[0].down_bps));
  r->changes_ = 1;
  r->t0_ = std::chrono::steady_clock::now();
  r->thread_ = std::thread([p = r.get()] { p->loop(); });
  return r;
}

void TraceReplayer::loop() {
  size_t i = 1;
  double base = 0;  // start of the current pass
  for (;;) {
    if (i == steps_.size()) {
      i = 0;
      base += period_s_;
    }
    const auto at = t0_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(base + steps_[i].t_s));
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_until(lock, at, [this] { return stop_; })) return;
    lock.unlock();
    // A pass that starts where the last one ended needs no change at 0.
    Status st = set_(steps_[i].up_bps, steps_[i].down_bps);
    if (!st.is_ok()) {
      std::lock_guard<std::mutex> g(mu_);
      error_ = st.with_context("trace replay");
      return;
    }
    ++changes_;
    ++i;
  }
}

Status TraceReplayer::stop() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> g(mu_);
  return error_;
}

TraceReplayer::~TraceReplayer() { (void)stop(); }

}  // namespace edgecut
