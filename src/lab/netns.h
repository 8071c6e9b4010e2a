// Named network namespaces, kept the way iproute2 keeps them: the namespace is
// bind-mounted at /run/netns/<name>, so `ip netns exec <name> ...` and
// `ip -n <name> ...` reach it, and removing the mount (with the last process
// inside gone) destroys the namespace with its interfaces and qdiscs.
//
// Our names are ec-<role>-<pid>-<seq>: unique per process and per call, and
// they name the process that made them, so namespaces left behind by a
// process that died (SIGKILL, a crash) can be found and removed later by
// remove_stale_netns() without touching those of processes still running.
//
// A process-wide registry (fixed size, no allocation) remembers the
// namespaces this process made, so that a signal handler or an atexit handler
// can remove them: remove_registered_netns() is async-signal-safe.
//
// Everything here needs root (CAP_SYS_ADMIN).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "common/unique_fd.h"

namespace edgecut {

inline constexpr const char* kNetnsDir = "/run/netns";

// "ec-<role>-<pid>-<seq>", seq counting calls in this process. Thread-safe.
std::string make_netns_name(const std::string& role);

// `ip netns add <name>`; fails (kIo) with ip's message.
Status add_netns(const std::string& name);

// Removes the namespace as `ip netns delete` does (detach the bind mount,
// unlink the file). Fails (kIo) when the file cannot be removed; removing a
// name that does not exist is kNotFound.
Status remove_netns(const std::string& name);

// Names under /run/netns (all of them, not only ours); empty if the folder
// does not exist yet.
std::vector<std::string> list_netns();
bool netns_exists(const std::string& name);

// Removes ec-* namespaces whose creating process no longer exists; returns
// how many were removed. Namespaces of live processes (this one included) and
// names that are not ours are never touched.
Expected<int> remove_stale_netns();

// Registry for emergency teardown. register_netns returns a slot (or -1 when
// all 32 are taken: the namespace then only goes by its owner's destructor).
int register_netns(const std::string& name);
void unregister_netns(int slot);
// Removes every registered namespace. Async-signal-safe (umount2 / unlink on
// paths stored in fixed buffers); idempotent.
void remove_registered_netns() noexcept;
// Once per process: remove_registered_netns() at exit and on SIGINT, SIGTERM
// and SIGHUP. The previous disposition is then honoured: a previous handler
// is called, a default one re-raises the signal; a signal that was ignored is
// left alone (no handler installed for it).
void install_netns_cleanup_handlers();

// A handle on a namespace, and moving the calling thread into it (setns:
// only this thread moves; sockets it creates afterwards live in the
// namespace, and stay there).
Expected<UniqueFd> open_netns(const std::string& name);
Status enter_netns(const UniqueFd& ns, const std::string& name_for_errors);

// socket(domain, type | SOCK_CLOEXEC, 0) created inside namespace `name` by a
// short-lived helper thread, so the caller's thread never changes namespace.
// A socket belongs to the namespace it was made in for its whole life: bind,
// connect and accept on it work there, from any thread.
Expected<UniqueFd> socket_in_netns(const std::string& name, int domain, int type);

}  // namespace edgecut
