#include "lab/link_bench.h"

namespace edgecut {

std::string LinkReport::describe() const {
  std::string text =
      fmt::format("shaped {:.4g} Mbit/s, goodput {:.4g} Mbit/s ({:.3f} of shaped; {} bytes in {:.3f} s)",
                  shaped_bps / 1e6, goodput_bps / 1e6, ratio, detail.bytes, detail.seconds);
  if (drops > 0) text += fmt::format("; {} packets dropped by the shaper: unreliable", drops);
  return text;
}

Expected<LinkReport> measure_link(Testbed& testbed, double rate_bps, const GoodputOptions& options) {
  EDGECUT_RETURN_IF_ERROR(testbed.set_rate(rate_bps, rate_bps));
  // The shaper of the measured direction sits on the source's egress.
  EDGECUT_ASSIGN_OR_RETURN(uint64_t drops_before, testbed.shaper_drops(options.source));
  EDGECUT_ASSIGN_OR_RETURN(Goodput g, measure_goodput(testbed, options));
  EDGECUT_ASSIGN_OR_RETURN(uint64_t drops_after, testbed.shaper_drops(options.source));
  LinkReport r;
  r.shaped_bps = rate_bps;
  r.goodput_bps = g.bps;
  r.ratio = g.bps / rate_bps;
  r.detail = g;
  r.drops = drops_after - drops_before;
  return r;
}

}  // namespace edgecut
