#include "net/metrics.h"

#include <fmt/format.h>

#include <vector>

namespace edgecut::net {

ModelCounters& Metrics::model(const std::string& name) {
  std::lock_guard lock(mu_);
  auto& slot = models_[name];
  if (!slot) slot = std::make_unique<ModelCounters>();
  return *slot;
}

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

std::string Metrics::text() const {
  struct Family {
    const char* name;
    const char* help;
    std::atomic<int64_t> ModelCounters::*field;
  };
  // nv_inference_count and _exec_count equal successes at batch size 1.
  static const Family kFamilies[] = {
      {"nv_inference_request_success", "Number of successful inference requests, all batch sizes",
       &ModelCounters::success},
      {"nv_inference_request_failure", "Number of failed inference requests, all batch sizes",
       &ModelCounters::failure},
      {"nv_inference_count", "Number of inferences performed", &ModelCounters::success},
      {"nv_inference_exec_count", "Number of model executions performed", &ModelCounters::success},
      {"nv_inference_request_duration_us", "Cumulative inference request duration in microseconds",
       &ModelCounters::request_us},
      {"nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds",
       &ModelCounters::queue_us},
      {"nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds",
       &ModelCounters::compute_us},
  };
  std::lock_guard lock(mu_);
  std::string s;
  for (const Family& f : kFamilies) {
    s += fmt::format("# HELP {} {}\n# TYPE {} counter\n", f.name, f.help, f.name);
    for (const auto& [name, c] : models_) {
      s += fmt::format("{}{{model=\"{}\",version=\"1\"}} {}\n", f.name, escape_label(name),
                       ((*c).*(f.field)).load());
    }
  }
  s += fmt::format(
      "# HELP edgecut_inflight_requests Inference requests being handled now\n"
      "# TYPE edgecut_inflight_requests gauge\nedgecut_inflight_requests {}\n",
      inflight_.load());
  s += fmt::format(
      "# HELP edgecut_tail_cache_bytes Weight bytes of the tails in the cache\n"
      "# TYPE edgecut_tail_cache_bytes gauge\nedgecut_tail_cache_bytes {}\n",
      cache_bytes_ ? cache_bytes_() : 0);
  return s;
}

}  // namespace edgecut::net
