#include "common/units.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace edgecut {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "12.5 Mbps" into 12.5 and "Mbps".
Expected<std::pair<double, std::string>> split_number(std::string_view text, const char* what) {
  std::string_view s = trim(text);
  if (s.empty()) return error(Code::kInvalidArgument, "empty {}", what);
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr == s.data()) {
    return error(Code::kInvalidArgument, "{} '{}' does not start with a number", what, text);
  }
  if (!std::isfinite(value)) return error(Code::kInvalidArgument, "{} '{}' is not finite", what, text);
  std::string unit(trim(std::string_view(ptr, s.data() + s.size() - ptr)));
  return std::make_pair(value, unit);
}

}  // namespace

Expected<double> parse_bandwidth_bps(std::string_view text) {
  EDGECUT_ASSIGN_OR_RETURN(auto nu, split_number(text, "bandwidth"));
  auto [value, unit] = nu;
  struct U {
    const char* name;
    double bits;
  };
  // No bare numbers: "10" meant as 10 Mbit/s planned for 10 bit/s, silently.
  if (unit.empty()) {
    return error(Code::kInvalidArgument,
                 "bandwidth '{}' needs a unit: bps, kbps, Mbps, Gbps, B/s, kB/s or MB/s (e.g. '{}Mbps')",
                 text, trim(text));
  }
  static constexpr std::array<U, 18> kUnits = {{
      {"bps", 1},
      {"bit/s", 1},
      {"b/s", 1},
      {"kbps", 1e3},
      {"kbit/s", 1e3},
      {"Kbps", 1e3},
      {"Mbps", 1e6},
      {"Mbit/s", 1e6},
      {"mbps", 1e6},
      {"Gbps", 1e9},
      {"Gbit/s", 1e9},
      {"gbps", 1e9},
      {"B/s", 8},
      {"Bps", 8},
      {"kB/s", 8e3},
      {"KB/s", 8e3},
      {"MB/s", 8e6},
      {"GB/s", 8e9},
  }};
  for (const U& u : kUnits) {
    if (unit == u.name) {
      double bps = value * u.bits;
      if (!(bps > 0)) {
        return error(Code::kInvalidArgument, "bandwidth '{}' must be positive", text);
      }
      return bps;
    }
  }
  return error(Code::kInvalidArgument,
               "bandwidth '{}' has unknown unit '{}' (use bps, kbps, Mbps, Gbps, B/s, kB/s, MB/s)", text,
               unit);
}

Expected<double> parse_duration_ms(std::string_view text) {
  EDGECUT_ASSIGN_OR_RETURN(auto nu, split_number(text, "duration"));
  auto [value, unit] = nu;
  double scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "us" || unit == "µs")
    scale = 1e-3;
  else if (unit == "ns")
    scale = 1e-6;
  else if (unit == "s")
    scale = 1e3;
  else if (unit == "m" || unit == "min")
    scale = 60e3;
  else if (unit == "h")
    scale = 3600e3;
  else {
    return error(Code::kInvalidArgument, "duration '{}' needs a unit: ns, us, ms, s, m (or min) or h", text);
  }
  if (value < 0) return error(Code::kInvalidArgument, "duration '{}' must not be negative", text);
  return value * scale;
}

Expected<BandwidthRange> parse_bandwidth_range(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return error(Code::kInvalidArgument, "bandwidth range '{}' must look like LO:HI, e.g. 0.1Mbps:1Gbps",
                 text);
  }
  EDGECUT_ASSIGN_OR_RETURN(double lo, parse_bandwidth_bps(text.substr(0, colon)));
  EDGECUT_ASSIGN_OR_RETURN(double hi, parse_bandwidth_bps(text.substr(colon + 1)));
  if (!(lo < hi)) {
    return error(Code::kInvalidArgument, "bandwidth range '{}': low end must be below high end", text);
  }
  return BandwidthRange{lo, hi};
}

std::string format_bandwidth(double bps) {
  if (bps >= 1e9) return fmt::format("{:.3g} Gbps", bps / 1e9);
  if (bps >= 1e6) return fmt::format("{:.3g} Mbps", bps / 1e6);
  if (bps >= 1e3) return fmt::format("{:.3g} kbps", bps / 1e3);
  return fmt::format("{:.3g} bps", bps);
}

}  // namespace edgecut
