#include "lab/trace.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>

#include "common/file.h"
#include "common/strings.h"

namespace edgecut {
namespace {

constexpr double kMaxBps = 100e9;

Status check_step(double step_s) {
  if (!std::isfinite(step_s) || step_s < 1e-3 || step_s > 10) {
    return error(Code::kInvalidArgument, "trace step {} s is outside [1 ms, 10 s]", step_s);
  }
  return Status::ok();
}

Status check_duration(double duration_s, const std::string& name) {
  if (!std::isfinite(duration_s) || duration_s <= 0 || duration_s > kTraceMaxDurationS) {
    return error(Code::kInvalidArgument, "{}: trace duration {} s is outside (0, 24 h]", name, duration_s);
  }
  return Status::ok();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Calls fn(line_number, line) for each line; stops at the first error.
template <typename Fn>
Status for_each_line(std::string_view text, Fn fn) {
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    EDGECUT_RETURN_IF_ERROR(fn(line_no, trim(text.substr(start, end - start))));
    start = end + 1;
  }
  return Status::ok();
}

bool parse_double(std::string_view s, double* out) {
  s = trim(s);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

size_t bin_count(double duration_s, double step_s) {
  return static_cast<size_t>(std::max(1.0, std::ceil(duration_s / step_s - 1e-9)));
}

// Uniform in [0, 1) from the top 53 bits: the same on every platform.
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
double normal(std::mt19937_64& rng) {
  const double u1 = 1 - uniform(rng), u2 = uniform(rng);
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}
double exponential(std::mt19937_64& rng, double mean) { return -std::log(1 - uniform(rng)) * mean; }

}  // namespace

double RateTrace::rate_at(double t_s) const {
  const double d = duration_s();
  double t = std::fmod(std::max(0.0, t_s), d);
  size_t k = std::min(bps.size() - 1, static_cast<size_t>(t / step_s));
  return bps[k];
}

double RateTrace::mean_bps(double from_s, double to_s) const {
  if (bps.empty() || to_s <= from_s) return bps.empty() ? 0 : rate_at(from_s);
  // Integrate step by step; bounded by the number of steps crossed.
  double bits = 0, t = from_s;
  while (t < to_s) {
    const double k = std::floor(t / step_s + 1e-9);
    const double next = std::min(to_s, (k + 1) * step_s);
    bits += rate_at(t) * (next - t);
    if (next <= t) break;
    t = next;
  }
  return bits / (to_s - from_s);
}

double RateTrace::min_bps() const { return bps.empty() ? 0 : *std::min_element(bps.begin(), bps.end()); }
double RateTrace::max_bps() const { return bps.empty() ? 0 : *std::max_element(bps.begin(), bps.end()); }

Expected<RateTrace> parse_mahimahi(std::string_view text, const std::string& name, double step_s) {
  EDGECUT_RETURN_IF_ERROR(check_step(step_s));
  if (static_cast<int64_t>(text.size()) > kTraceMaxFileBytes) {
    return error(Code::kInvalidArgument, "{}: {} bytes is over the 64 MiB trace limit", name, text.size());
  }
  std::vector<int64_t> stamps;
  int64_t last = 0;
  Status st = for_each_line(text, [&](int line, std::string_view s) -> Status {
    if (s.empty()) return Status::ok();
    int64_t ms = -1;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (ec != std::errc() || ptr != s.data() + s.size() || ms < 0) {
      return error(Code::kParseError, "{}:{}: '{}' is not a millisecond timestamp (a whole number >= 0)",
                   name, line, std::string(s));
    }
    if (ms > static_cast<int64_t>(kTraceMaxDurationS * 1000)) {
      return error(Code::kParseError, "{}:{}: timestamp {} ms is past the 24 h trace limit", name, line, ms);
    }
    if (ms < last) {
      return error(Code::kParseError, "{}:{}: timestamp {} ms is before the previous one ({} ms)", name, line,
                   ms, last);
    }
    last = ms;
    stamps.push_back(ms);
    return Status::ok();
  });
  EDGECUT_RETURN_IF_ERROR(st);
  if (stamps.empty()) return error(Code::kParseError, "{}: no delivery opportunities in the trace", name);
  if (last == 0)
    return error(Code::kParseError, "{}: the last timestamp (the period) must be over 0 ms", name);
  RateTrace t;
  t.step_s = step_s;
  t.name = name;
  const double step_ms = step_s * 1e3;
  t.bps.assign(bin_count(last / 1e3, step_s), 0.0);
  const size_t n = t.bps.size();
  for (int64_t ms : stamps) {
    // The step ending at or after ms; 0 ms is the end of the previous loop.
    size_t k = ms == 0 ? n - 1 : static_cast<size_t>(std::ceil(ms / step_ms - 1e-9)) - 1;
    t.bps[std::min(k, n - 1)] += kMahimahiPacketBytes * 8.0;
  }
  // The last bin may be partial when the period is not a multiple of the step.
  for (size_t k = 0; k < n; ++k) {
    const double len = std::min(step_s, last / 1e3 - static_cast<double>(k) * step_s);
    t.bps[k] /= len > 0 ? len : step_s;
  }
  return t;
}

Expected<RateTrace> parse_rate_csv(std::string_view text, const std::string& name, double step_s) {
  EDGECUT_RETURN_IF_ERROR(check_step(step_s));
  if (static_cast<int64_t>(text.size()) > kTraceMaxFileBytes) {
    return error(Code::kInvalidArgument, "{}: {} bytes is over the 64 MiB trace limit", name, text.size());
  }
  std::vector<std::pair<double, double>> rows;  // t_s, bps
  Status st = for_each_line(text, [&](int line, std::string_view s) -> Status {
    if (s.empty() || s.front() == '#') return Status::ok();
    const size_t comma = s.find(',');
    if (rows.empty() && comma != std::string_view::npos && trim(s.substr(0, comma)) == "t_s") {
      return Status::ok();  // the header
    }
    double t = 0, mbps = 0;
    if (comma == std::string_view::npos || !parse_double(s.substr(0, comma), &t) ||
        !parse_double(s.substr(comma + 1), &mbps)) {
      return error(Code::kParseError, "{}:{}: '{}' is not t_s,mbps (two numbers)", name, line,
                   std::string(s));
    }
    if (rows.empty() && t != 0)
      return error(Code::kParseError, "{}:{}: the first row must be at t_s = 0", name, line);
    if (!rows.empty() && t <= rows.back().first) {
      return error(Code::kParseError, "{}:{}: t_s {} does not increase (previous {})", name, line, t,
                   rows.back().first);
    }
    if (t > kTraceMaxDurationS) return error(Code::kParseError, "{}:{}: t_s {} is past 24 h", name, line, t);
    if (mbps < 0 || mbps * 1e6 > kMaxBps) {
      return error(Code::kParseError, "{}:{}: rate {} Mbit/s is outside [0, 100000]", name, line, mbps);
    }
    rows.push_back({t, mbps * 1e6});
    return Status::ok();
  });
  EDGECUT_RETURN_IF_ERROR(st);
  if (rows.empty()) return error(Code::kParseError, "{}: no t_s,mbps rows", name);
  const double last_len = rows.size() == 1 ? 1.0 : rows.back().first - rows[rows.size() - 2].first;
  const double duration = rows.back().first + last_len;
  EDGECUT_RETURN_IF_ERROR(check_duration(duration, name));
  RateTrace t;
  t.step_s = step_s;
  t.name = name;
  t.bps.assign(bin_count(duration, step_s), 0.0);
  // Spread each row's bits over the bins it covers (time-weighted mean).
  for (size_t i = 0; i < rows.size(); ++i) {
    const double from = rows[i].first, to = i + 1 < rows.size() ? rows[i + 1].first : duration;
    for (auto k = static_cast<size_t>(from / step_s); k < t.bps.size(); ++k) {
      const double b0 = static_cast<double>(k) * step_s, b1 = b0 + step_s;
      if (b0 >= to) break;
      const double overlap = std::min(to, b1) - std::max(from, b0);
      if (overlap > 0) t.bps[k] += rows[i].second * overlap / step_s;
    }
  }
  return t;
}

Expected<RateTrace> load_trace_file(const std::string& path, double step_s) {
  EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(path, "trace", kTraceMaxFileBytes));
  bool csv = path.size() >= 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
  (void)for_each_line(text, [&](int, std::string_view s) -> Status {
    if (!s.empty() && s.front() != '#' && s.find(',') != std::string_view::npos) csv = true;
    return Status::ok();
  });
  return csv ? parse_rate_csv(text, path, step_s) : parse_mahimahi(text, path, step_s);
}

Expected<RateTrace> trace_arg(const std::string& spec, double step_s) {
  if (spec.rfind("preset:", 0) == 0) return preset_trace(spec.substr(7), 60, step_s);
  if (spec.rfind("gen:", 0) == 0) {
    CellularOptions o;
    double seed = 0;
    if (!parse_double(spec.substr(4), &seed) || seed < 0 || seed != std::floor(seed)) {
      return error(Code::kInvalidArgument, "trace '{}': gen:SEED takes a whole number", spec);
    }
    o.seed = static_cast<uint64_t>(seed);
    o.step_s = step_s;
    return generate_cellular(o);
  }
  return load_trace_file(spec, step_s);
}

std::string to_mahimahi(const RateTrace& trace) {
  std::string out;
  const double step_ms = trace.step_s * 1e3;
  const auto duration_ms = static_cast<int64_t>(std::llround(trace.duration_s() * 1e3));
  double carry = 0;  // packets owed to the next step
  int64_t last = -1;
  for (size_t k = 0; k < trace.bps.size(); ++k) {
    const double packets = trace.bps[k] * trace.step_s / 8 / kMahimahiPacketBytes + carry;
    const auto n = static_cast<int64_t>(std::floor(packets + 1e-9));
    carry = packets - static_cast<double>(n);
    const double b0 = static_cast<double>(k) * step_ms;
    for (int64_t i = 1; i <= n; ++i) {
      // In (b0, b0 + step]: the step that ends at or after the stamp.
      last =
          std::max<int64_t>(static_cast<int64_t>(std::ceil(b0 + step_ms * static_cast<double>(i) / n - 1e-9)),
                            static_cast<int64_t>(b0) + 1);
      out += fmt::format("{}\n", last);
    }
  }
  if (last < duration_ms) out += fmt::format("{}\n", duration_ms);  // the period
  return out;
}

std::string to_rate_csv(const RateTrace& trace) {
  std::string out = "t_s,mbps\n";
  for (size_t k = 0; k < trace.bps.size(); ++k) {
    out += fmt::format("{:.3f},{:.6f}\n", static_cast<double>(k) * trace.step_s, trace.bps[k] / 1e6);
  }
  return out;
}

const std::vector<RatePreset>& rate_presets() {
  static const std::vector<RatePreset> presets = {{"cat1", 0.13}, {"3g", 1.1}, {"4g", 5.85}, {"wifi", 18.88}};
  return presets;
}

Expected<RateTrace> preset_trace(const std::string& name, double duration_s, double step_s) {
  EDGECUT_RETURN_IF_ERROR(check_step(step_s));
  EDGECUT_RETURN_IF_ERROR(check_duration(duration_s, "preset:" + name));
  std::string names;
  for (const RatePreset& p : rate_presets()) {
    if (name == p.name) {
      RateTrace t;
      t.step_s = step_s;
      t.name = "preset:" + name;
      t.bps.assign(bin_count(duration_s, step_s), p.mbps * 1e6);
      return t;
    }
    names += (names.empty() ? "" : ", ") + std::string(p.name);
  }
  return error(Code::kInvalidArgument, "unknown rate preset '{}' (known: {})", name, names);
}

Expected<RateTrace> generate_cellular(const CellularOptions& o) {
  EDGECUT_RETURN_IF_ERROR(check_step(o.step_s));
  EDGECUT_RETURN_IF_ERROR(check_duration(o.duration_s, "generated trace"));
  if (!(o.min_mbps > 0 && o.min_mbps < o.max_mbps && o.max_mbps * 1e6 <= kMaxBps) ||
      !(o.outage_share >= 0 && o.outage_share < 0.5)) {
    return error(Code::kInvalidArgument,
                 "cellular trace: need 0 < min_mbps < max_mbps and an outage share in [0, 0.5)");
  }
  // State medians (Mbit/s, scaled into [min, max] log-linearly) and mean dwell
  // times (s): an outage is short, a cell's good state lasts a few seconds.
  struct State {
    double position;  // 0 = min_mbps, 1 = max_mbps, on a log scale
    double dwell_s;
  };
  const State states[] = {{0.10, 3}, {0.45, 4}, {0.75, 5}, {0.95, 4}};
  constexpr double kOutageDwell = 0.8;
  // Entering an outage on leaving a state with probability q gives a long-run
  // outage share of about q * 0.8 / (4 + q * 0.8).
  const double q = o.outage_share * 4 / (kOutageDwell * (1 - o.outage_share));
  std::mt19937_64 rng(o.seed);
  const double lmin = std::log(o.min_mbps), lmax = std::log(o.max_mbps);
  const double a = std::exp(-o.step_s / 0.5), sigma = 0.35;
  RateTrace t;
  t.step_s = o.step_s;
  t.name = fmt::format("gen:{}", o.seed);
  t.bps.resize(bin_count(o.duration_s, o.step_s));
  int state = 1;
  bool outage = false;
  double left = exponential(rng, states[state].dwell_s), x = 0;
  for (double& b : t.bps) {
    while (left <= 0) {
      if (outage) {
        outage = false;
        state = uniform(rng) < 0.5 ? 0 : 1;
      } else if (uniform(rng) < q) {
        outage = true;
      } else {
        state = std::clamp(state + (uniform(rng) < 0.5 ? -1 : 1), 0, 3);
      }
      left += exponential(rng, outage ? kOutageDwell : states[state].dwell_s);
    }
    left -= o.step_s;
    x = a * x + std::sqrt(1 - a * a) * sigma * normal(rng);
    const double median = std::exp(lmin + states[state].position * (lmax - lmin));
    b = outage ? 0 : std::clamp(median * std::exp(x), o.min_mbps, o.max_mbps) * 1e6;
  }
  return t;
}

}  // namespace edgecut
