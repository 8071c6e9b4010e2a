// Runs the real edgecut binary in a shell and captures exit code, stdout, stderr.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace edgecut::testing {

struct CliResult {
  int rc = -1;
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline CliResult run_cli(const std::string& args) {
  static int counter = 0;
  auto base = std::filesystem::temp_directory_path() /
              ("edgecut_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::string out = base.string() + ".out", err = base.string() + ".err";
  std::string cmd = std::string(EDGECUT_BIN) + " " + args + " >" + out + " 2>" + err + " </dev/null";
  int status = std::system(cmd.c_str());
  CliResult r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

}  // namespace edgecut::testing
