// Link benchmark: the goodput of a plain TCP stream on a link shaped to a
// given rate, and how far under the shaped rate it falls (tbf counts IP, TCP
// and Ethernet headers: ~4.5% under). Transfer-time predictions should use
// the goodput, not the shaped rate. Entry point for a CLI `bench link`.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "lab/goodput.h"
#include "lab/testbed.h"

namespace edgecut {

struct LinkReport {
  double shaped_bps = 0;   // the tbf rate
  double goodput_bps = 0;  // measured TCP goodput
  double ratio = 0;        // goodput / shaped
  Goodput detail;          // bytes and seconds behind goodput_bps
  // Packets the shaper dropped during the measurement. Should be 0: with
  // drops the goodput is noisy and can even read above the shaped rate.
  uint64_t drops = 0;
  // "shaped 100 Mbit/s, goodput 95.6 Mbit/s (0.956 of shaped; ...)"
  std::string describe() const;
};

// Shapes both directions of `testbed` to `rate_bps` (so that ACKs never wait
// on a slower reverse link), then measures the goodput of `options.source`'s
// direction. Takes ~(warm-up + measured bytes) / rate. The testbed keeps the
// new rate afterwards. Fails (kIo) with `tc`'s message when the shaper's
// counters cannot be read.
Expected<LinkReport> measure_link(Testbed& testbed, double rate_bps, const GoodputOptions& options = {});

}  // namespace edgecut
