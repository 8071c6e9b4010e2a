// Test helper, header-only: runs the built edgecut binary (test_paths.h) in a
// shell and captures its exit code and output. Used by the tests that go
// through the CLI (tests/cli, tests/engine, tests/profile); every test
// binary has tests/common on its include path.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_paths.h"

namespace edgecut::testing {

struct CliResult {
  int rc = -1;      // exit code; 128 + signal when killed
  std::string out;  // stdout (run_cli_merged: stdout and stderr, as written)
  std::string err;  // stderr (run_cli_merged: empty)
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace detail {
inline CliResult run_shell(const std::string& args, bool merged) {
  static int counter = 0;
  auto base = std::filesystem::temp_directory_path() /
              ("edgecut_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  const std::string out = base.string() + ".out", err = base.string() + ".err";
  const std::string redirect = merged ? " >" + out + " 2>&1" : " >" + out + " 2>" + err;
  const std::string cmd =
      std::string(edgecut::testing::edgecut_bin()) + " " + args + redirect + " </dev/null";
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  if (!merged) r.err = slurp(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}
}  // namespace detail

// `edgecut ARGS` with stdout and stderr captured apart.
inline CliResult run_cli(const std::string& args) { return detail::run_shell(args, false); }
// `edgecut ARGS 2>&1`: both streams in `out`.
inline CliResult run_cli_merged(const std::string& args) { return detail::run_shell(args, true); }

}  // namespace edgecut::testing
