#include "common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

extern char** environ;

namespace edgecut {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxCapture = 16u << 20;

ExitStatus decode(int wstatus) {
  ExitStatus s;
  if (WIFEXITED(wstatus)) {
    s.code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    s.signal = WTERMSIG(wstatus);
  }
  return s;
}

// posix_spawn_file_actions_t with RAII, so every early return destroys it.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&fa_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &fa_; }

 private:
  posix_spawn_file_actions_t fa_;
};

class SpawnAttr {
 public:
  SpawnAttr() { posix_spawnattr_init(&attr_); }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr_); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

// Adds the redirection of one standard stream (1 or 2) to the file actions.
void redirect(posix_spawn_file_actions_t* fa, int target, const std::string& path, int fd) {
  if (!path.empty()) {
    posix_spawn_file_actions_addopen(fa, target, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  } else if (fd >= 0) {
    posix_spawn_file_actions_adddup2(fa, fd, target);
  }
}

// The child starts with default signal dispositions and an empty mask, so a
// parent that ignores or blocks SIGTERM does not make its children immune.
void reset_signals(posix_spawnattr_t* attr, bool new_group) {
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(attr, &all);
  posix_spawnattr_setsigmask(attr, &none);
  short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (new_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(attr, 0);
  }
  posix_spawnattr_setflags(attr, flags);
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return name ? fmt::format("killed by SIG{}", name) : fmt::format("killed by signal {}", signal);
  }
  return fmt::format("exit {}", code);
}

std::string join_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

Expected<Subprocess> Subprocess::spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty() || argv[0].empty()) return error(Code::kInvalidArgument, "spawn: empty command");
  FileActions fa;
  if (options.stdin_null) posix_spawn_file_actions_addopen(fa.get(), 0, "/dev/null", O_RDONLY, 0);
  redirect(fa.get(), 1, options.stdout_path, options.stdout_fd);
  if (!options.stderr_path.empty() && options.stderr_path == options.stdout_path) {
    posix_spawn_file_actions_adddup2(fa.get(), 1, 2);
  } else {
    redirect(fa.get(), 2, options.stderr_path, options.stderr_fd);
  }
  SpawnAttr attr;
  reset_signals(attr.get(), options.new_process_group);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = -1;
  // glibc's posix_spawnp reports exec and file-action failures as its result.
  int rc = posix_spawnp(&pid, args[0], fa.get(), attr.get(), args.data(), environ);
  if (rc != 0) {
    Code code = (rc == ENOENT) ? Code::kNotFound : Code::kIo;
    return error(code, "cannot run '{}': {}", join_argv(argv), std::strerror(rc));
  }
  return Subprocess(pid, options.new_process_group, argv[0]);
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      group_(other.group_),
      program_(std::move(other.program_)),
      status_(std::move(other.status_)) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    if (running()) terminate();
    pid_ = std::exchange(other.pid_, -1);
    group_ = other.group_;
    program_ = std::move(other.program_);
    status_ = std::move(other.status_);
  }
  return *this;
}

Subprocess::~Subprocess() {
  if (running()) terminate(std::chrono::milliseconds(1000));
}

void Subprocess::signal_child(int sig) const {
  if (!running()) return;  // reaped: the pid may belong to someone else now
  // The group's id is the child's pid; it cannot be reused while the child is
  // unreaped. Fall back to the pid when the group has already dissolved.
  if (group_ && ::kill(-pid_, sig) == 0) return;
  ::kill(pid_, sig);
}

std::optional<ExitStatus> Subprocess::wait_for(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  for (;;) {
    int wstatus = 0;
    pid_t r = ::waitpid(pid_, &wstatus, WNOHANG);
    if (r == pid_) {
      status_ = decode(wstatus);
      return status_;
    }
    if (r < 0 && errno != EINTR) {
      // ECHILD: someone else reaped it (SIGCHLD ignored); treat it as gone.
      status_ = ExitStatus{};
      return status_;
    }
    auto now = Clock::now();
    if (now >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::microseconds(10000));
  }
}

ExitStatus Subprocess::terminate(std::chrono::milliseconds grace) {
  if (status_) return *status_;
  if (pid_ <= 0) return ExitStatus{};
  signal_child(SIGTERM);
  if (auto s = wait_for(grace)) return *s;
  signal_child(SIGKILL);
  // SIGKILL cannot be caught; only an uninterruptible sleep delays it.
  while (!wait_for(std::chrono::milliseconds(1000))) signal_child(SIGKILL);
  return *status_;
}

}  // namespace edgecut

namespace edgecut {
namespace {

// A pipe whose ends close themselves; both ends are close-on-exec (the child's
// copy made by dup2 is not), so no other child inherits them.
struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() { close_all(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_all() {
    close_end(0);
    close_end(1);
  }
};

// Reads both pipes until both reach EOF or the deadline passes. Returns false
// on timeout or when the output exceeds kMaxCapture.
bool drain(int out_fd, int err_fd, Clock::time_point deadline, std::string* out, std::string* err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {out, err};
  char buf[16384];
  int open_count = 2;
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    int r = ::poll(fds, 2, static_cast<int>(left));
    if (r < 0 && errno != EINTR) return false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
        if (sinks[i]->size() > kMaxCapture) return false;
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // EOF (or a read error): poll ignores negative fds
        --open_count;
      }
    }
  }
  return true;
}

}  // namespace

Expected<std::string> run_capture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  Pipe out, err;
  if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0) {
    return error(Code::kIo, "'{}': pipe: {}", join_argv(argv), std::strerror(errno));
  }
  SpawnOptions options;
  options.stdout_fd = out.fd[1];
  options.stderr_fd = err.fd[1];
  const auto deadline = Clock::now() + timeout;
  EDGECUT_ASSIGN_OR_RETURN(Subprocess child, Subprocess::spawn(argv, options));
  out.close_end(1);  // the child holds the write ends now; EOF comes when it exits
  err.close_end(1);

  std::string stdout_text, stderr_text;
  bool drained = drain(out.fd[0], err.fd[0], deadline, &stdout_text, &stderr_text);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  std::optional<ExitStatus> status;
  if (drained) status = child.wait_for(std::max(left, std::chrono::milliseconds(0)));
  if (!status) {
    child.terminate(std::chrono::milliseconds(500));
    return error(Code::kIo, "'{}' did not finish within {} ms (or wrote over {} bytes)", join_argv(argv),
                 timeout.count(), kMaxCapture);
  }
  if (!status->success()) {
    while (!stderr_text.empty() && stderr_text.back() == '\n') stderr_text.pop_back();
    return error(Code::kIo, "'{}' failed ({}): {}", join_argv(argv), status->describe(),
                 stderr_text.empty() ? "no message on stderr" : stderr_text);
  }
  return stdout_text;
}

Expected<std::string> self_executable() {
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return error(Code::kIo, "cannot find our own executable (/proc/self/exe)");
  return std::string(self, static_cast<size_t>(n));
}

}  // namespace edgecut
