// Token-bucket filter (tc tbf) settings for one shaped direction.
//
// tbf lets `burst` bytes through at line speed, then `rate`; what waits
// beyond `limit` bytes is dropped. Two things bound the choice:
//  - burst must cover what arrives between two dequeue wake-ups, at least
//    rate/HZ (HZ = 250 on the target kernel). Measured there with an iperf3
//    TCP stream: at 50 Mbit/s a 1600-byte burst gave 39.8 Mbit/s, rate/HZ
//    (25 KB) gave 47.7, the most any burst gave; at 100 Mbit/s 1600 bytes
//    gave 70 and rate/HZ 95. A larger burst only lets the start of short
//    transfers run unshaped, which would flatter small tensors, so burst is
//    max(rate/HZ, 1600 bytes) (1600: one full frame must always fit).
//  - limit must hold what one TCP flow queues, or the flow loses packets:
//    its goodput then jitters, and a sink that times in-order bytes even
//    reads MORE than the shaped rate (1.15x at 1 Mbit/s with a 125 KB limit:
//    data that crossed the link before the clock started is delivered after,
//    once the hole is retransmitted). TCP small queues keep a flow's backlog
//    small, but slow start overshoots by a roughly fixed number of bytes:
//    measured drop-free from 0.5 to 200 Mbit/s (BBR and cubic) with at least
//    256 KiB; 62 KB (50 ms at 10 Mbit/s) and 125 KB (1 s at 1 Mbit/s) dropped.
//    So limit is max(rate * max_queue_s, 256 KiB), max_queue_s = 0.5 s.
//
// tbf counts whole packets (IP and TCP headers, and the Ethernet header on a
// veth), so a TCP stream's goodput is ~4.5% under the shaped rate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgecut {

inline constexpr double kKernelHz = 250;  // CONFIG_HZ of the target kernel

struct TbfParams {
  uint64_t rate_bps = 0;  // bits per second, as tc's "bit" unit
  uint64_t burst_bytes = 0;
  uint64_t limit_bytes = 0;
};

// Settings for `rate_bps` with up to `max_queue_s` seconds of queue (but never
// under 256 KiB). Fails
// (kInvalidArgument) on a rate that is not finite or not in [8 kbit/s,
// 100 Gbit/s], or a queue time that is not positive.
Expected<TbfParams> tbf_params(double rate_bps, double max_queue_s = 0.5);

// The argv that installs `p` as the root qdisc of `device` in namespace
// `netns`: tc -n <netns> qdisc replace dev <device> root handle <handle>: tbf ...
// The same handle as the root's changes it in place (its queue stays);
// another handle makes a new qdisc and swaps it in at once (the old queue is
// dropped). A shrinking burst needs the swap: tbf never has the tokens for a
// queued packet longer than its burst, and GSO packets up to the old burst
// may be queued, so changing in place could stop the link for good.
std::vector<std::string> tbf_replace_argv(const std::string& netns, const std::string& device,
                                          const TbfParams& p, int handle = 1);

// The "dropped N" counter from `tc -s qdisc show` output; kParseError if absent.
Expected<uint64_t> parse_qdisc_dropped(const std::string& tc_stats);

}  // namespace edgecut
