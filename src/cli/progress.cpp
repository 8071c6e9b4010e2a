#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace edgecut::cli {

bool stderr_is_tty() { return isatty(STDERR_FILENO) != 0; }

Progress::Progress(std::string label, int total, bool enabled)
    : label_(std::move(label)),
      total_(total < 1 ? 1 : total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_(start_ - std::chrono::seconds(1)) {}

Progress::~Progress() { finish(); }

void Progress::step(int done, const std::string& note) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double frac = static_cast<double>(done) / total_;
  double eta = done > 0 ? elapsed / done * (total_ - done) : 0;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r%s [%s] %3d%% %d/%d  %5.1fs elapsed, ETA %5.1fs  %-30.30s", label_.c_str(),
               bar.c_str(), static_cast<int>(frac * 100), done, total_, elapsed, eta, note.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  std::fprintf(stderr, "\n");
}

}  // namespace edgecut::cli
