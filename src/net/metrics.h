// Server metrics in Prometheus' text exposition format (version 0.0.4), with
// Triton Inference Server's metric names and labels where Triton has one, so
// dashboards made for a Triton fleet read an `edgecut serve` too:
//   nv_inference_request_success / _failure   requests per model
//   nv_inference_count, nv_inference_exec_count   inferences (batch 1: one per success)
//   nv_inference_request_duration_us   cumulative time from receipt to reply
//   nv_inference_queue_duration_us     cumulative wait for an engine slot
//   nv_inference_compute_infer_duration_us   cumulative engine time
// each labelled model="NAME",version="1"; and two gauges of edgecut's own,
// edgecut_inflight_requests and edgecut_tail_cache_bytes. The queue and
// compute counters add exactly the microseconds each response reports in
// its parameters (net/wire.h kQueueUs, kComputeUs).
//
// Thread-safe: counters are atomics; a model's counters are created on its
// first request (a map under a mutex, O(log #models)), never freed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace edgecut::net {

struct ModelCounters {
  std::atomic<int64_t> success{0}, failure{0};
  std::atomic<int64_t> request_us{0}, queue_us{0}, compute_us{0};
};

class Metrics {
 public:
  // The counters of `model` (created on first use; the reference stays valid).
  ModelCounters& model(const std::string& name);
  std::atomic<int64_t>& inflight() { return inflight_; }
  // Sampled at each scrape (e.g. the tail cache's size).
  void set_tail_cache_bytes(std::function<int64_t()> f) { cache_bytes_ = std::move(f); }
  // The exposition text; O(#models).
  std::string text() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<ModelCounters>> models_;
  std::atomic<int64_t> inflight_{0};
  std::function<int64_t()> cache_bytes_;
};

// A label value as the text format wants it: backslash, quote and newline escaped.
std::string escape_label(const std::string& value);

}  // namespace edgecut::net
