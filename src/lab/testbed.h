// Testbed: an emulated edge-cloud link on one machine (root only).
//
// Models the network between an edge device and a cloud server as two network
// namespaces, edge and cloud, joined by a veth pair, with a token-bucket
// shaper (tc tbf, see lab/tbf.h) on each direction's egress: the uplink
// (edge -> cloud) on the edge's end, the downlink (cloud -> edge) on the
// cloud's end. Programs run inside a namespace through exec_prefix(); threads
// enter one with lab/netns.h's enter_netns().
//
// Addresses: cloud 10.77.0.1/30, edge 10.77.0.2/30. They exist only inside
// the two namespaces we create, so testbeds of concurrent processes never
// clash and the host's own network is never touched. The veth ends are made
// directly inside the namespaces (never in the host's namespace).
// There is no delay emulation: this kernel has no netem; a program that needs
// an RTT must add it itself.
//
// Lifetime: RAII. The destructor (or destroy()) removes both namespaces,
// which removes the veth pair and the qdiscs with them. Stop processes
// running inside first (their Subprocess destructors do): a namespace lives
// on, unnamed, while a process is still in it. Unless disabled in the
// options, SIGINT / SIGTERM / SIGHUP and exit() also remove them (netns.h's
// registry), and cleanup_stale() removes those of processes that died
// without cleaning up (SIGKILL).
//
// Costs: create() runs ~10 short `ip` / `tc` commands (tens of ms);
// set_rate() runs two `tc` commands. Not thread-safe: one owner thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut {

enum class Side { kEdge, kCloud };
const char* side_name(Side side);

struct TestbedOptions {
  double uplink_bps = 100e6;            // edge -> cloud shaping
  double downlink_bps = 100e6;          // cloud -> edge shaping
  double max_queue_s = 0.5;             // tbf queue length in seconds at the shaped rate
  bool install_signal_handlers = true;  // remove the namespaces on SIGINT/SIGTERM/SIGHUP/exit
};

struct TbfParams;  // lab/tbf.h

class Testbed {
 public:
  // Ok when create() can work here; otherwise kFailedPrecondition saying why
  // (not root, no `ip` / `tc`, network namespaces not permitted). Probes once
  // per process by making and removing a namespace; later calls are free.
  static Status available();

  // Fails with the failing command's message; nothing is left behind then.
  static Expected<Testbed> create(const TestbedOptions& options = {});

  // Removes ec-* namespaces of processes that no longer exist (see netns.h).
  static Expected<int> cleanup_stale();

  Testbed(Testbed&& other) noexcept;
  Testbed& operator=(Testbed&& other) noexcept;
  Testbed(const Testbed&) = delete;
  Testbed& operator=(const Testbed&) = delete;
  ~Testbed();

  // Changes both shapers (tc qdisc replace): flows keep running. Where the
  // burst shrinks, the shaper is swapped for a new one and its queue dropped
  // (TCP resends it), as tbf_replace_argv says why. A side whose rate is
  // unchanged is not touched.
  Status set_rate(double uplink_bps, double downlink_bps);
  // Trace replay (lab/trace_replay.h): makes both veth ends send MTU-sized
  // packets only (gso_max_segs 1), so that no queued packet is ever longer
  // than tbf's smallest burst, and from then on changes every rate in place
  // (no qdisc swap: each would drop the queue, and a trace cuts the rate
  // every other 100 ms step; TCP then lost 15-25% of a 3-6 Mbit/s trace).
  // The packet path differs from the default testbed's (GSO), so the
  // measured tables of other runs are not comparable with replay runs.
  Status use_mtu_packets();
  double uplink_bps() const { return uplink_bps_; }
  double downlink_bps() const { return downlink_bps_; }

  const std::string& netns(Side side) const { return side == Side::kEdge ? edge_ns_ : cloud_ns_; }
  // {"ip", "netns", "exec", <namespace>}: prepend to an argv to run it there.
  std::vector<std::string> exec_prefix(Side side) const;
  std::string address(Side side) const;
  std::string cloud_address() const { return address(Side::kCloud); }
  std::string edge_address() const { return address(Side::kEdge); }
  // The veth end inside `side`'s namespace; its egress carries the shaper.
  static std::string device(Side side);

  // `tc -s qdisc show` of one side's shaper (sent bytes, drops, overlimits).
  Expected<std::string> shaper_stats(Side side) const;
  // Packets the shaper on `side`'s egress has dropped since it was made.
  Expected<uint64_t> shaper_drops(Side side) const;

  // Removes both namespaces now; idempotent. Errors other than "already gone"
  // are returned (the destructor ignores them).
  Status destroy();

 private:
  Testbed() = default;
  Status build(const TestbedOptions& options);
  Status add_namespace(const std::string& name, int* slot);

  std::string edge_ns_, cloud_ns_;
  int edge_slot_ = -1, cloud_slot_ = -1;  // netns registry slots
  double uplink_bps_ = 0, downlink_bps_ = 0;
  double max_queue_s_ = 0.5;
  std::array<int, 2> handle_ = {1, 1};  // per side (Side as index): the root qdisc's handle, 1 or 2
  bool mtu_packets_ = false;            // use_mtu_packets() ran: rate changes in place
  Status shape(Side side, const TbfParams& p);
};

}  // namespace edgecut
