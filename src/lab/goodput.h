// Plain TCP goodput through a testbed's shaped link.
//
// Models what an application can actually push through the link: one TCP
// stream from a source in one namespace (the edge, for the uplink) to a sink
// in the other. The first `warmup_bytes` are not timed (slow start, the
// shaper's initial burst); the clock starts when the sink has received them
// and stops at the last byte, so goodput = bytes after warm-up / that time.
// Through tbf this comes out ~4.5% under the shaped rate (headers count).
//
// One thread drives both ends (non-blocking sockets made inside their
// namespaces, one poll loop); the calling thread never changes namespace.
// Bounded: everything ends by `time_limit` (an error then). Takes about
// (warmup + measured bytes) / rate seconds.
#pragma once

#include <chrono>
#include <cstdint>

#include "common/status.h"
#include "lab/testbed.h"

namespace edgecut {

struct GoodputOptions {
  Side source = Side::kEdge;  // kEdge: edge -> cloud (uplink); kCloud: downlink
  uint64_t warmup_bytes = 1u << 20;
  uint64_t measured_bytes = 4u << 20;  // > 0
  std::chrono::milliseconds time_limit{60000};
};

struct Goodput {
  uint64_t bytes = 0;  // bytes timed (those after the warm-up)
  double seconds = 0;  // first timed byte to last byte, at the sink
  double bps = 0;      // bytes * 8 / seconds
};

Expected<Goodput> measure_goodput(const Testbed& testbed, const GoodputOptions& options = {});

}  // namespace edgecut
