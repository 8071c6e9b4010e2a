// Network traces: a link's rate over time, read from recorded-network files,
// written back, or generated, for replay on the shaped testbed
// (lab/trace_replay.h) and for the benches.
//
// A RateTrace is a piecewise-constant rate schedule: bps[k] holds during
// [k * step_s, (k + 1) * step_s); the schedule loops (time wraps modulo its
// duration), as mahimahi replays its files. 0 bit/s is an outage.
//
// Formats:
//  - mahimahi: one decimal millisecond timestamp per line, each one delivery
//    opportunity of one 1500-byte packet; a timestamp repeated n times is n
//    packets at once; timestamps never decrease; the last one is the period
//    (the file loops after it). An opportunity at t ms counts in the step
//    that ends at or after t (t = 0 is the end of the previous loop), so a
//    file written here reads back with the same bins.
//  - CSV: lines `t_s,mbps` (an optional `t_s,mbps` header, `#` comments and
//    blank lines are skipped): the rate from t_s until the next row's t_s;
//    the first row is at 0, times strictly increase, and the last row lasts
//    as long as the gap before it (1 s when it is the only row).
// Either is resampled to step_s bins (time-weighted mean rate per bin).
//
// Limits (checked before allocating): files up to 64 MiB, traces up to 24 h,
// rates up to 100 Gbit/s, steps of 1 ms to 10 s. Errors name the file and
// the line (kParseError) or the limit (kInvalidArgument).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace edgecut {

inline constexpr double kTraceStepS = 0.1;           // the default replay granularity
inline constexpr double kTraceMaxDurationS = 86400;  // 24 h
inline constexpr int64_t kTraceMaxFileBytes = 64ll << 20;
inline constexpr int kMahimahiPacketBytes = 1500;

struct RateTrace {
  double step_s = kTraceStepS;
  std::vector<double> bps;  // one per step, >= 0
  std::string name;         // file, preset or generator that made it (for reports)

  double duration_s() const { return step_s * static_cast<double>(bps.size()); }
  // The rate at time t (looping; t >= 0). Precondition: !bps.empty().
  double rate_at(double t_s) const;
  // Mean over [from, to) in bit/s (looping), exact for the step function.
  double mean_bps(double from_s, double to_s) const;
  double mean_bps() const { return mean_bps(0, duration_s()); }
  double min_bps() const;
  double max_bps() const;
};

// Parsers: `name` labels errors ("up.trace:12: ...") and the trace.
Expected<RateTrace> parse_mahimahi(std::string_view text, const std::string& name,
                                   double step_s = kTraceStepS);
Expected<RateTrace> parse_rate_csv(std::string_view text, const std::string& name,
                                   double step_s = kTraceStepS);

// Reads a file in either format: CSV when a non-comment line holds a comma
// (or the name ends in .csv), mahimahi otherwise.
Expected<RateTrace> load_trace_file(const std::string& path, double step_s = kTraceStepS);

// A trace argument as the CLI takes it: a file, `preset:NAME` (a constant
// rate, see preset_names(); 60 s) or `gen:SEED` (generate_cellular with
// that seed, 60 s).
Expected<RateTrace> trace_arg(const std::string& spec, double step_s = kTraceStepS);

// Writers. mahimahi: opportunities spread evenly inside each step, the
// fractional packet carried to the next step; the file's last timestamp is
// the duration (the format's period), so the last step holds at least one
// opportunity even when it is an outage. Round trip: each step within one
// packet (12 kbit per 100 ms step), the total within one packet.
std::string to_mahimahi(const RateTrace& trace);
std::string to_rate_csv(const RateTrace& trace);

// DADS's technology uplinks (CAT1 0.13, 3G 1.1, 4G 5.85, WiFi 18.88 Mbit/s).
struct RatePreset {
  const char* name;
  double mbps;
};
const std::vector<RatePreset>& rate_presets();
Expected<RateTrace> preset_trace(const std::string& name, double duration_s = 60,
                                 double step_s = kTraceStepS);

// Cellular-like uplink generator: a Markov chain over link states (outage,
// poor, fair, good, excellent) with exponential dwell times; inside a state
// the rate moves as a log-normal AR(1) around the state's median, clamped
// to [min_mbps, max_mbps]. Seeded and deterministic (std::mt19937_64 with
// hand-written distributions, so every platform draws the same trace).
struct CellularOptions {
  uint64_t seed = 1;
  double duration_s = 60;
  double step_s = kTraceStepS;
  double min_mbps = 0.1, max_mbps = 15;
  double outage_share = 0.04;  // long-run fraction of time in outage (0 disables)
};
Expected<RateTrace> generate_cellular(const CellularOptions& options);

}  // namespace edgecut
