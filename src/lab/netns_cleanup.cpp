// The emergency half of netns.h: a fixed registry of the namespaces this
// process made, emptied from atexit or a signal handler.
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "lab/netns.h"

namespace edgecut {
namespace {

constexpr int kSlots = 32;
constexpr size_t kPathMax = 160;

// A slot is kFree, kFilling (its path is being written: the handler skips
// it) or kReady. The atomic state makes the handler see whole paths only.
enum SlotState : int { kFree = 0, kFilling = 1, kReady = 2 };
struct Slot {
  std::atomic<int> state{kFree};
  char path[kPathMax] = {0};
};
Slot g_slots[kSlots];

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[std::size(kSignals)];

void on_signal(int sig, siginfo_t* info, void* context) {
  remove_registered_netns();
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    if (kSignals[i] != sig) continue;
    const struct sigaction& prev = g_previous[i];
    if (prev.sa_flags & SA_SIGINFO) {
      prev.sa_sigaction(sig, info, context);
    } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
      prev.sa_handler(sig);
    } else {
      ::signal(sig, SIG_DFL);  // default action: die of this signal, as without us
      ::raise(sig);
    }
  }
}

}  // namespace

int register_netns(const std::string& name) {
  std::string path = std::string(kNetnsDir) + "/" + name;
  if (path.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, kFilling)) continue;
    std::copy(path.begin(), path.end(), g_slots[i].path);
    g_slots[i].path[path.size()] = 0;
    g_slots[i].state.store(kReady);
    return i;
  }
  return -1;
}

void unregister_netns(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  g_slots[slot].state.store(kFree);
}

void remove_registered_netns() noexcept {
  for (Slot& s : g_slots) {
    if (s.state.load() != kReady) continue;
    ::umount2(s.path, MNT_DETACH);
    ::unlink(s.path);  // a second removal (owner and handler racing) just fails
  }
}

void install_netns_cleanup_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::atexit([] { remove_registered_netns(); });
    for (size_t i = 0; i < std::size(kSignals); ++i) {
      struct sigaction current {};
      sigaction(kSignals[i], nullptr, &current);
      if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN) continue;
      g_previous[i] = current;
      struct sigaction sa {};
      sa.sa_sigaction = on_signal;
      sa.sa_flags = SA_SIGINFO;
      sigemptyset(&sa.sa_mask);
      sigaction(kSignals[i], &sa, nullptr);
    }
  });
}

}  // namespace edgecut
