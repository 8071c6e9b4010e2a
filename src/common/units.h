// Parsing and printing of the quantities people type: bandwidths and durations.
//
// Bandwidth: a number and a unit, "10Mbps", "0.5 Mbit/s", "2MB/s", "300kbps",
// "1Gbps", "125000B/s"; a bare number is an error (is "10" bits or megabits?). Decimal prefixes
// (k = 1e3, M = 1e6, G = 1e9) as network people use them; "bps"/"bit/s" are
// bits, "B/s"/"Bps" are bytes. Durations: "20ms", "150us", "1.5s", "500ns".
// Results must be finite and strictly positive (durations may be zero).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace edgecut {

Expected<double> parse_bandwidth_bps(std::string_view text);
Expected<double> parse_duration_ms(std::string_view text);

// "lo:hi" -> pair of bandwidths; lo < hi.
struct BandwidthRange {
  double lo_bps = 0;
  double hi_bps = 0;
};
Expected<BandwidthRange> parse_bandwidth_range(std::string_view text);

// 12.3 Mbps / 850 kbps / 1.2 Gbps with three significant digits.
std::string format_bandwidth(double bps);

}  // namespace edgecut
