#include "lab/netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "common/subprocess.h"

namespace edgecut {
namespace {

std::string netns_path(const std::string& name) { return std::string(kNetnsDir) + "/" + name; }

// Parses "ec-<role>-<pid>-<seq>" and returns the pid, or -1 for other names.
pid_t owner_pid(const std::string& name) {
  if (name.rfind("ec-", 0) != 0) return -1;
  size_t last = name.rfind('-');
  size_t prev = last == std::string::npos || last == 0 ? std::string::npos : name.rfind('-', last - 1);
  if (prev == std::string::npos || prev < 3) return -1;
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string_view pid_text(name.data() + prev + 1, last - prev - 1);
  if (!digits(pid_text) || !digits(std::string_view(name).substr(last + 1))) return -1;
  pid_t pid = -1;
  auto [ptr, ec] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  return ec == std::errc() && pid > 0 ? pid : -1;
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

std::string make_netns_name(const std::string& role) {
  static std::atomic<int> seq{0};
  return fmt::format("ec-{}-{}-{}", role, ::getpid(), seq.fetch_add(1));
}

Status add_netns(const std::string& name) {
  auto out = run_capture({"ip", "netns", "add", name});
  return out.status();
}

Status remove_netns(const std::string& name) {
  std::string path = netns_path(name);
  // Same two steps as iproute2's netns_delete; the umount may fail for a file
  // that is no mount (half-made by a crashed `ip`), the unlink still goes on.
  ::umount2(path.c_str(), MNT_DETACH);
  if (::unlink(path.c_str()) != 0) {
    Code code = errno == ENOENT ? Code::kNotFound : Code::kIo;
    return error(code, "cannot remove network namespace {}: {}", name, std::strerror(errno));
  }
  return Status::ok();
}

std::vector<std::string> list_netns() {
  std::vector<std::string> names;
  DIR* dir = ::opendir(kNetnsDir);
  if (!dir) return names;
  while (dirent* e = ::readdir(dir)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

bool netns_exists(const std::string& name) { return ::access(netns_path(name).c_str(), F_OK) == 0; }

Expected<int> remove_stale_netns() {
  int removed = 0;
  for (const auto& name : list_netns()) {
    pid_t pid = owner_pid(name);
    if (pid <= 0 || pid == ::getpid() || process_exists(pid)) continue;
    EDGECUT_RETURN_IF_ERROR(remove_netns(name));
    ++removed;
  }
  return removed;
}

Expected<UniqueFd> open_netns(const std::string& name) {
  UniqueFd fd(::open(netns_path(name).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return error(Code::kNotFound, "cannot open network namespace {}: {}", name, std::strerror(errno));
  }
  return fd;
}

Status enter_netns(const UniqueFd& ns, const std::string& name_for_errors) {
  if (::setns(ns.get(), CLONE_NEWNET) != 0) {
    return error(Code::kIo, "cannot enter network namespace {}: {}", name_for_errors, std::strerror(errno));
  }
  return Status::ok();
}

Expected<UniqueFd> socket_in_netns(const std::string& name, int domain, int type) {
  EDGECUT_ASSIGN_OR_RETURN(UniqueFd ns, open_netns(name));
  Status status;
  UniqueFd sock;
  std::thread helper([&] {
    status = enter_netns(ns, name);
    if (!status.is_ok()) return;
    sock.reset(::socket(domain, type | SOCK_CLOEXEC, 0));
    if (!sock.valid()) status = error(Code::kIo, "socket in namespace {}: {}", name, std::strerror(errno));
  });
  helper.join();
  EDGECUT_RETURN_IF_ERROR(status);
  return sock;
}

}  // namespace edgecut
