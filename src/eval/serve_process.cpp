#include "eval/serve_process.h"

#include <chrono>
#include <fstream>
#include <thread>

namespace edgecut::eval {

using namespace std::chrono_literals;

Status wait_for_text(const std::string& path, const std::string& needle, Subprocess& proc, double timeout_s,
                     const std::string& what) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    std::ifstream f(path);
    std::string line;
    while (std::getline(f, line)) {
      if (line.find(needle) != std::string::npos) return Status::ok();
    }
    if (auto st = proc.wait_for(0ms)) {
      return error(Code::kInternal, "{} exited ({}) before it was ready; see {}", what, st->describe(), path);
    }
    std::this_thread::sleep_for(50ms);
  }
  return error(Code::kIo, "{} was not ready within {:.0f} s; see {}", what, timeout_s, path);
}

std::string listened_address(const std::string& log) {
  std::ifstream f(log);
  for (std::string line; std::getline(f, line);) {
    const size_t p = line.find("listening on ");
    if (p != std::string::npos) return line.substr(p + 13, line.find(' ', p + 13) - p - 13);
  }
  return {};
}

Expected<ServeProcess> start_serve(const std::vector<std::string>& argv, const std::string& log,
                                   double timeout_s) {
  SpawnOptions so;
  so.stdout_path = so.stderr_path = log;
  EDGECUT_ASSIGN_OR_RETURN(Subprocess proc, Subprocess::spawn(argv, so));
  EDGECUT_RETURN_IF_ERROR(wait_for_text(log, "listening on", proc, timeout_s, "edgecut serve"));
  ServeProcess s{std::move(proc), listened_address(log), log};
  return s;
}

}  // namespace edgecut::eval
