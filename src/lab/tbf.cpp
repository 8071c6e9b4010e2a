#include "lab/tbf.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace edgecut {

Expected<TbfParams> tbf_params(double rate_bps, double max_queue_s) {
  if (!std::isfinite(rate_bps) || rate_bps < 8e3 || rate_bps > 100e9) {
    return error(Code::kInvalidArgument, "shaped rate {} bit/s is outside [8 kbit/s, 100 Gbit/s]", rate_bps);
  }
  if (!std::isfinite(max_queue_s) || max_queue_s <= 0) {
    return error(Code::kInvalidArgument, "tbf queue time must be positive, got {} s", max_queue_s);
  }
  TbfParams p;
  p.rate_bps = static_cast<uint64_t>(std::llround(rate_bps));
  const double bytes_per_s = rate_bps / 8;
  p.burst_bytes = std::max<uint64_t>(static_cast<uint64_t>(std::ceil(bytes_per_s / kKernelHz)), 1600);
  p.limit_bytes = std::max<uint64_t>(static_cast<uint64_t>(std::ceil(bytes_per_s * max_queue_s)), 256 * 1024);
  return p;
}

std::vector<std::string> tbf_replace_argv(const std::string& netns, const std::string& device,
                                          const TbfParams& p, int handle) {
  // Plain numbers are bytes for burst and limit; "bit" avoids tc's SI/IEC
  // prefix rules for the rate.
  return {"tc",
          "-n",
          netns,
          "qdisc",
          "replace",
          "dev",
          device,
          "root",
          "handle",
          std::to_string(handle) + ":",
          "tbf",
          "rate",
          std::to_string(p.rate_bps) + "bit",
          "burst",
          std::to_string(p.burst_bytes),
          "limit",
          std::to_string(p.limit_bytes)};
}

Expected<uint64_t> parse_qdisc_dropped(const std::string& tc_stats) {
  const std::string key = "(dropped ";
  size_t at = tc_stats.find(key);
  uint64_t dropped = 0;
  if (at != std::string::npos) {
    const char* begin = tc_stats.data() + at + key.size();
    auto [ptr, ec] = std::from_chars(begin, tc_stats.data() + tc_stats.size(), dropped);
    if (ec == std::errc() && ptr != begin) return dropped;
  }
  return error(Code::kParseError, "no drop counter in tc output: {}", tc_stats);
}

}  // namespace edgecut
