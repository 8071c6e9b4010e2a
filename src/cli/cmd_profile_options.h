// Options shared by `edgecut profile` and `edgecut bench accuracy`: how to
// measure (profile::MeasureOptions) and edge / cloud CPU emulation
// (common/cpu_limit.h). Header-only; used by cmd_profile.cpp and
// cmd_bench_accuracy.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/cpu_limit.h"
#include "profile/measure.h"
#include "profile/profile.h"

namespace edgecut::cli {

struct MeasureArgs {
  int repeat = 9;
  int warmup = 1;
  double max_spread = 0.10;
  int retries = 2;
  double budget_s = 35;
  int max_boundaries = 48;
  double quantile = 0.5;
  double memory_gb = 3;
  uint64_t seed = 1;
};

inline void add_measure_options(CLI::App* sub, MeasureArgs* a) {
  sub->add_option("--repeat", a->repeat, "Timed runs per segment (the median is kept)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  sub->add_option("--warmup", a->warmup, "Untimed runs per segment first")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  sub->add_option("--max-spread", a->max_spread,
                  "Re-measure segments whose relative inter-quartile range exceeds this")
      ->capture_default_str();
  sub->add_option("--retries", a->retries, "Extra batches of --repeat runs for too-wide segments")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  sub->add_option("--budget", a->budget_s,
                  "segment method: seconds of timing that set the number of cut positions")
      ->capture_default_str();
  sub->add_option("--max-cuts", a->max_boundaries, "segment method: at most this many cut positions")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  sub->add_option("--quantile", a->quantile,
                  "Statistic kept per segment (0.5 = median, 0.25 = lower quartile)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--memory-gb", a->memory_gb, "Memory for prepared segments; more are measured in batches")
      ->capture_default_str();
  sub->add_option("--seed", a->seed, "Seed for random inputs")->capture_default_str();
}

inline profile::MeasureOptions measure_options(const MeasureArgs& a) {
  profile::MeasureOptions o;
  o.repeat = a.repeat;
  o.warmup = a.warmup;
  o.max_spread = a.max_spread;
  o.max_retries = a.retries;
  o.budget_s = a.budget_s;
  o.max_boundaries = a.max_boundaries;
  o.quantile = a.quantile;
  o.memory_bytes = a.memory_gb * 1e9;
  o.seed = a.seed;
  return o;
}

struct EmulationArgs {
  double edge_fraction = 0;  // --emulate-edge F
  bool cloud = false;        // --emulate-cloud
  int edge_cpu = 0;
  int cloud_cpu = 1;
  int cpu = -1;  // --cpu N: pin only
  bool force_factor = false;
};

inline void add_emulation_options(CLI::App* sub, EmulationArgs* a) {
  auto* edge =
      sub->add_option("--emulate-edge", a->edge_fraction,
                      "Emulate a slow edge device: pin to --edge-cpu under a cgroup v1 quota of this "
                      "fraction of one core (e.g. 0.25); falls back to a printed slow-down factor");
  edge->check(CLI::Range(0.01, 1.0));
  auto* cloud = sub->add_flag("--emulate-cloud", a->cloud, "Emulate the cloud server: pin to --cloud-cpu");
  edge->excludes(cloud);
  sub->add_option("--edge-cpu", a->edge_cpu, "Core for --emulate-edge")->capture_default_str();
  sub->add_option("--cloud-cpu", a->cloud_cpu, "Core for --emulate-cloud")->capture_default_str();
  sub->add_option("--cpu", a->cpu, "Pin to this core (no quota)");
  sub->add_flag("--slowdown-factor-only", a->force_factor,
                "With --emulate-edge: skip the cgroup, multiply times by 1/F instead");
}

inline Expected<CpuLimitReport> apply_emulation(const EmulationArgs& a) {
  CpuLimit limit;
  if (a.edge_fraction > 0) {
    limit.cpu = a.edge_cpu;
    limit.core_fraction = a.edge_fraction;
    limit.force_factor = a.force_factor;
  } else if (a.cloud) {
    limit.cpu = a.cloud_cpu;
  }
  if (a.cpu >= 0) limit.cpu = a.cpu;
  return apply_cpu_limit(limit);
}

inline std::string default_device(const EmulationArgs& a) { return a.cloud ? "cloud" : "edge"; }

// Multiplies every node time by the fallback slow-down factor (1 when the
// quota was applied) and records the CPU setting in extra["cpu"].
inline void apply_slowdown(const CpuLimitReport& r, profile::Profile* p) {
  if (r.slowdown_factor != 1) {
    for (auto* v : {&p->node_ms, &p->head_ms, &p->tail_ms}) {
      for (double& ms : *v) ms *= r.slowdown_factor;
    }
  }
  p->extra["cpu"] = r.to_json();
}

}  // namespace edgecut::cli
