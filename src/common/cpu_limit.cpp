#include "common/cpu_limit.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>

namespace edgecut {
namespace {

constexpr const char* kCpuRoot = "/sys/fs/cgroup/cpu";
constexpr int kPeriodUs = 10000;

// Paths kept in plain buffers so that the signal handler can use them.
char g_cgroup_dir[256] = {0};
char g_root_procs[256] = {0};
char g_pid_text[32] = {0};
std::once_flag g_handlers_once;

bool write_file(const std::string& path, const std::string& text, std::string* why) {
  int fd = ::open(path.c_str(), O_WRONLY);
  if (fd < 0) {
    if (why) *why = fmt::format("{}: {}", path, std::strerror(errno));
    return false;
  }
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    if (why) *why = fmt::format("{}: {}", path, std::strerror(err));
    return false;
  }
  return true;
}

// Async-signal-safe: only open / write / close / rmdir.
void release_raw() {
  if (g_cgroup_dir[0] == 0) return;
  int fd = ::open(g_root_procs, O_WRONLY);
  if (fd >= 0) {
    ssize_t r = ::write(fd, g_pid_text, std::strlen(g_pid_text));
    (void)r;
    ::close(fd);
  }
  ::rmdir(g_cgroup_dir);
  g_cgroup_dir[0] = 0;
}

void on_signal(int sig) {
  release_raw();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_cleanup() {
  std::call_once(g_handlers_once, [] {
    std::atexit(release_raw);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
  });
}

Status pin_all_threads(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    return error(Code::kInvalidArgument, "cannot pin to cpu {}: {}", cpu, std::strerror(errno));
  }
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
      if (tid > 0) sched_setaffinity(tid, sizeof(set), &set);
    }
    ::closedir(d);
  }
  return Status::ok();
}

// Makes `dir` a cgroup with our period and `fraction` of it as quota;
// returns the quota in microseconds, or 0 with `why` set.
int make_quota_dir(const std::string& dir, double fraction, std::string* why) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    *why = fmt::format("mkdir {}: {}", dir, std::strerror(errno));
    return 0;
  }
  const int quota = std::max(1000, static_cast<int>(std::lround(kPeriodUs * fraction)));
  if (!write_file(dir + "/cpu.cfs_period_us", std::to_string(kPeriodUs), why) ||
      !write_file(dir + "/cpu.cfs_quota_us", std::to_string(quota), why)) {
    ::rmdir(dir.c_str());
    return 0;
  }
  return quota;
}

}  // namespace

Expected<CpuQuotaGroup> CpuQuotaGroup::make(const std::string& name, double core_fraction) {
  if (!(core_fraction > 0 && core_fraction <= 1)) {
    return error(Code::kInvalidArgument, "core fraction must be in (0, 1], got {}", core_fraction);
  }
  std::string why;
  if (!cgroup_v1_cpu_writable(&why)) return error(Code::kIo, "cannot make a CPU quota group: {}", why);
  CpuQuotaGroup g;
  const std::string dir = fmt::format("{}/{}", kCpuRoot, name);
  if (make_quota_dir(dir, core_fraction, &why) == 0) {
    return error(Code::kIo, "cannot make a CPU quota group: {}", why);
  }
  g.dir_ = dir;
  return g;
}

CpuQuotaGroup::~CpuQuotaGroup() {
  if (!dir_.empty()) ::rmdir(dir_.c_str());
}

std::vector<std::string> CpuQuotaGroup::wrap(int cpu, const std::vector<std::string>& rest) const {
  std::vector<std::string> argv = {
      "sh", "-c", "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"", dir_, "taskset", "-c", std::to_string(cpu)};
  argv.insert(argv.end(), rest.begin(), rest.end());
  return argv;
}

bool cgroup_v1_cpu_writable(std::string* why) {
  struct stat st {};
  std::string quota = std::string(kCpuRoot) + "/cpu.cfs_quota_us";
  if (::stat(quota.c_str(), &st) != 0) {
    if (why) *why = fmt::format("{} missing: no cgroup v1 cpu controller mounted", quota);
    return false;
  }
  if (::access(kCpuRoot, W_OK) != 0) {
    if (why) *why = fmt::format("{} not writable: {}", kCpuRoot, std::strerror(errno));
    return false;
  }
  return true;
}

std::string CpuLimitReport::describe() const {
  std::string s;
  if (pinned) s += fmt::format("pinned to cpu {}", cpu);
  if (core_fraction > 0) {
    if (!s.empty()) s += ", ";
    if (quota_applied) {
      s += fmt::format("cgroup v1 quota {:.0f}% of one core ({})", core_fraction * 100, cgroup);
    } else {
      s += fmt::format("NO quota ({}); times multiplied by slow-down factor {:.3g}", note, slowdown_factor);
    }
  }
  return s.empty() ? "no CPU limit" : s;
}

nlohmann::json CpuLimitReport::to_json() const {
  return {{"pinned", pinned},
          {"cpu", cpu},
          {"quota_applied", quota_applied},
          {"core_fraction", core_fraction},
          {"cgroup", cgroup},
          {"slowdown_factor", slowdown_factor},
          {"note", note},
          {"describe", describe()}};
}

Expected<CpuLimitReport> apply_cpu_limit(const CpuLimit& limit) {
  CpuLimitReport r;
  if (limit.core_fraction < 0 || limit.core_fraction > 1 || std::isnan(limit.core_fraction)) {
    return error(Code::kInvalidArgument, "core fraction must be in (0, 1], got {}", limit.core_fraction);
  }
  if (limit.cpu >= 0) {
    if (limit.cpu >= CPU_SETSIZE) return error(Code::kInvalidArgument, "cpu {} out of range", limit.cpu);
    EDGECUT_RETURN_IF_ERROR(pin_all_threads(limit.cpu));
    r.pinned = true;
    r.cpu = limit.cpu;
  }
  if (limit.core_fraction == 0) return r;
  r.core_fraction = limit.core_fraction;
  std::string why;
  auto fallback = [&](std::string reason) {
    r.quota_applied = false;
    r.slowdown_factor = 1.0 / limit.core_fraction;
    r.note = std::move(reason);
    return r;
  };
  if (limit.force_factor) return fallback("explicit slow-down factor requested");
  if (!cgroup_v1_cpu_writable(&why)) return fallback(why);
  const std::string dir = fmt::format("{}/edgecut-{}", kCpuRoot, ::getpid());
  const int quota = make_quota_dir(dir, limit.core_fraction, &why);
  if (quota == 0) return fallback(why);
  std::snprintf(g_cgroup_dir, sizeof(g_cgroup_dir), "%s", dir.c_str());
  std::snprintf(g_root_procs, sizeof(g_root_procs), "%s/cgroup.procs", kCpuRoot);
  std::snprintf(g_pid_text, sizeof(g_pid_text), "%d", static_cast<int>(::getpid()));
  install_cleanup();
  if (!write_file(dir + "/cgroup.procs", g_pid_text, &why)) {
    release_raw();
    return fallback(why);
  }
  r.quota_applied = true;
  r.cgroup = dir;
  r.core_fraction = static_cast<double>(quota) / kPeriodUs;
  return r;
}

void release_cpu_limit() { release_raw(); }

}  // namespace edgecut
