// Edge-device emulation on one machine: a process-wide CPU limit.
//
// An edge board is slower than the cloud server. To make `edge` and `cloud`
// profiles (and later runtimes) differ as on real hardware while both run on
// this machine, the edge process pins itself to one core and runs under a
// cgroup v1 CPU bandwidth quota (cpu.cfs_quota_us / cpu.cfs_period_us; cgroup
// v2 cpu.max does not work on the target machine), and the cloud process pins
// itself to another core.
//
// apply_cpu_limit() acts on the whole process: every existing thread is pinned
// (sched_setaffinity per task; threads created later inherit the mask) and the
// process moves into a cgroup it creates, /sys/fs/cgroup/cpu/edgecut-<pid>,
// with period 10 ms (short, so a throttled run is not quantised to 100 ms
// steps). The cgroup is removed at exit, on SIGINT / SIGTERM, or by
// release_cpu_limit(). Call it before an engine starts its worker threads.
//
// Where the cgroup cannot be created or written (not root, cgroup v2 only,
// read-only /sys), the quota is NOT applied: the report says so and sets
// slowdown_factor = 1 / core_fraction, which callers multiply measured times
// by and print beside every result.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut {

struct CpuLimit {
  int cpu = -1;              // core to pin to; -1: no pinning
  double core_fraction = 0;  // quota as a fraction of one core, (0, 1]; 0: none
  // Skip the cgroup and use slowdown_factor = 1 / core_fraction (tests, or
  // machines where the quota misbehaves).
  bool force_factor = false;
};

struct CpuLimitReport {
  bool pinned = false;
  int cpu = -1;
  bool quota_applied = false;
  double core_fraction = 0;
  std::string cgroup;            // path of the cgroup we made, "" if none
  double slowdown_factor = 1;    // > 1 only when the quota could not be applied
  std::string note;              // why the fallback was used, or ""
  std::string describe() const;  // one line for every printed result
  nlohmann::json to_json() const;
};

// Fails (kInvalidArgument) on a fraction outside (0, 1] or a cpu this process
// may not run on. Cgroup trouble is not an error: see slowdown_factor.
Expected<CpuLimitReport> apply_cpu_limit(const CpuLimit& limit);

// Moves the process back to the root cpu cgroup and removes ours; idempotent.
void release_cpu_limit();

// Parses "/sys/fs/cgroup/cpu" mount availability: true when cgroup v1's cpu
// controller is mounted and writable by us.
bool cgroup_v1_cpu_writable(std::string* why = nullptr);

// A cgroup v1 CPU quota for child processes (the emulated edge of a demo or
// a shaped-link test, started from the root namespace because `ip netns exec`
// remounts /sys). Same period as apply_cpu_limit(); the directory is removed
// when this object dies (rmdir succeeds once its processes have exited).
class CpuQuotaGroup {
 public:
  // Fails (kIo) when the cgroup cannot be made or its quota written.
  static Expected<CpuQuotaGroup> make(const std::string& name, double core_fraction);
  CpuQuotaGroup() = default;
  CpuQuotaGroup(CpuQuotaGroup&& o) noexcept : dir_(std::move(o.dir_)) { o.dir_.clear(); }
  CpuQuotaGroup& operator=(CpuQuotaGroup&&) = delete;
  ~CpuQuotaGroup();
  const std::string& dir() const { return dir_; }
  // argv that runs `rest` inside this cgroup, pinned to `cpu` (sh + taskset).
  std::vector<std::string> wrap(int cpu, const std::vector<std::string>& rest) const;

 private:
  std::string dir_;
};

}  // namespace edgecut
