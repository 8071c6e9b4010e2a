// Subprocess: one child process that this process spawned and owns.
//
// Models the lifetime of a helper program (a server in a network namespace, a
// short `ip` / `tc` command): spawn from an argv vector (posix_spawnp, so PATH
// is searched and a missing program is an error at spawn time, not a silent
// exit 127), optionally with stdout / stderr redirected to files and in a new
// process group; wait for it with a timeout; terminate it (SIGTERM, then
// SIGKILL after a grace period).
//
// Safety rule: only pids (and process groups) we spawned are ever signalled,
// and only before we reap them. A child is reaped exactly once, by wait_for()
// or terminate(); until then the kernel keeps its pid (a zombie at worst), so
// a signal can never hit an unrelated process that reused the pid.
//
// The destructor never leaves a child running: it terminates a child that has
// not been reaped yet (blocking for at most the grace period plus the time
// SIGKILL takes). Move-only.
//
// Not thread-safe: one Subprocess is used from one thread at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut {

struct SpawnOptions {
  std::string stdout_path;  // "" keeps ours; else truncated / created (0644)
  std::string stderr_path;  // "" keeps ours; may equal stdout_path (both then share one file)
  // A descriptor of ours to become the child's stdout / stderr (e.g. a pipe's
  // write end); used when the matching path is "". -1: none.
  int stdout_fd = -1;
  int stderr_fd = -1;
  bool stdin_null = true;  // read from /dev/null so a child never steals our terminal input
  // Child leads a new process group (pgid = its pid); terminate() then signals
  // the whole group, so the child's own children are stopped too.
  bool new_process_group = false;
};

// How a child ended: exited with `code`, or killed by `signal`.
struct ExitStatus {
  int code = -1;   // exit code when exited normally, else -1
  int signal = 0;  // terminating signal, else 0
  bool success() const { return signal == 0 && code == 0; }
  std::string describe() const;  // "exit 0", "exit 1", "killed by SIGTERM"
};

class Subprocess {
 public:
  // argv[0] is looked up on PATH. Fails (kInvalidArgument) on an empty argv,
  // (kNotFound) when the program does not exist, (kIo) on other spawn errors
  // or a redirection file that cannot be opened.
  static Expected<Subprocess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  pid_t pid() const { return pid_; }
  // True until the child has been reaped (by wait_for or terminate).
  bool running() const { return pid_ > 0 && !status_.has_value(); }
  const std::string& program() const { return program_; }

  // Waits up to `timeout` for the child to exit and reaps it. Returns its exit
  // status, or std::nullopt when it is still running after `timeout`. Polls
  // with a back-off from 0.2 ms to 10 ms, so exits are noticed within ~10 ms.
  // Once reaped, returns the same status again immediately.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);

  // SIGTERM (to the group when new_process_group), waits up to `grace`, then
  // SIGKILL and reaps. Returns how the child ended; a no-op returning the known
  // status when it was already reaped.
  ExitStatus terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

 private:
  Subprocess(pid_t pid, bool group, std::string program)
      : pid_(pid), group_(group), program_(std::move(program)) {}
  void signal_child(int sig) const;

  pid_t pid_ = -1;
  bool group_ = false;
  std::string program_;
  std::optional<ExitStatus> status_;
};

// Runs a short command to completion and returns its stdout. Fails (kIo) when
// it cannot be spawned, exits non-zero or is killed; the message names the
// command line and quotes its stderr. Kills it and fails (kIo) when it runs
// longer than `timeout`. Output beyond 16 MiB is an error.
Expected<std::string> run_capture(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

// "ip netns add x" style rendering of an argv, for messages.
std::string join_argv(const std::vector<std::string>& argv);

// The path of the running executable (/proc/self/exe), for spawning ourselves.
Expected<std::string> self_executable();

}  // namespace edgecut
