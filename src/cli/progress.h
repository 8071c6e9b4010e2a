// A one-line progress bar with ETA on stderr, redrawn at most 10 times a
// second, silent when stderr is not a terminal unless forced.
#pragma once

#include <chrono>
#include <string>

namespace edgecut::cli {

class Progress {
 public:
  Progress(std::string label, int total, bool enabled);
  ~Progress();
  void step(int done, const std::string& note = "");
  void finish();

 private:
  std::string label_;
  int total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

bool stderr_is_tty();

}  // namespace edgecut::cli
