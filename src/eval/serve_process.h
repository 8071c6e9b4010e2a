// `edgecut serve` as a child process, for the benchmarks and the demo: start
// it, wait until it prints "listening on HOST:PORT", read that address.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "common/subprocess.h"

namespace edgecut::eval {

struct ServeProcess {
  Subprocess proc;
  std::string address;  // HOST:PORT it listens on
  std::string log;      // its stdout + stderr
};

// Starts `argv` (an `edgecut serve ...` command line, maybe behind a netns
// prefix) with output to `log`; fails naming the log when it exits first or
// is not listening within `timeout_s`.
Expected<ServeProcess> start_serve(const std::vector<std::string>& argv, const std::string& log,
                                   double timeout_s = 120);

// Waits until `path` holds a line containing `needle` while `proc` runs.
Status wait_for_text(const std::string& path, const std::string& needle, Subprocess& proc, double timeout_s,
                     const std::string& what);

// The address in the server's "listening on HOST:PORT" line, or "".
std::string listened_address(const std::string& log);

}  // namespace edgecut::eval
