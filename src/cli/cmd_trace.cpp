// edgecut trace gen|show: network traces for replay (lab/trace.h).
//
//   edgecut trace gen --seed 3 --duration 60 -o up.trace    (mahimahi; .csv -> t_s,mbps)
//   edgecut trace gen --preset 4g --duration 30 -o 4g.csv
//   edgecut trace show up.trace [--json]
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "lab/trace.h"

namespace edgecut::cli {
namespace {

struct GenArgs {
  CellularOptions gen;
  std::string preset;
  std::string out;
  std::string format = "auto";
};

struct ShowArgs {
  std::string path;
  bool json = false;
};

Status write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  f.close();
  if (!f) return error(Code::kIo, "{}: cannot write the trace", path);
  return Status::ok();
}

int run_gen(const GenArgs& a) {
  Expected<RateTrace> t =
      a.preset.empty() ? generate_cellular(a.gen) : preset_trace(a.preset, a.gen.duration_s, a.gen.step_s);
  if (!t) return report_error("trace", t.status());
  const bool csv = a.format == "csv" || (a.format == "auto" && a.out.size() >= 4 &&
                                         a.out.compare(a.out.size() - 4, 4, ".csv") == 0);
  const std::string text = csv ? to_rate_csv(*t) : to_mahimahi(*t);
  if (a.out.empty() || a.out == "-") {
    std::cout << text;
    return 0;
  }
  if (Status st = write_text(a.out, text); !st.is_ok()) return report_error("trace", st);
  std::cerr << fmt::format("wrote {} ({}, {} s, mean {:.2f} Mbit/s, {} format)\n", a.out, t->name,
                           t->duration_s(), t->mean_bps() / 1e6, csv ? "t_s,mbps" : "mahimahi");
  return 0;
}

int run_show(const ShowArgs& a) {
  auto t = trace_arg(a.path);
  if (!t) return report_error("trace", t.status());
  int outage = 0;
  for (double b : t->bps) outage += b == 0;
  const double outage_s = outage * t->step_s;
  if (a.json) {
    std::cout << nlohmann::json{{"trace", t->name},
                                {"duration_s", t->duration_s()},
                                {"step_s", t->step_s},
                                {"mean_mbps", t->mean_bps() / 1e6},
                                {"min_mbps", t->min_bps() / 1e6},
                                {"max_mbps", t->max_bps() / 1e6},
                                {"outage_s", outage_s}}
                     .dump()
              << "\n";
    return 0;
  }
  fmt::print("{}: {:.1f} s in {} ms steps; mean {:.2f}, min {:.2f}, max {:.2f} Mbit/s; {:.1f} s of outage\n",
             t->name, t->duration_s(), t->step_s * 1e3, t->mean_bps() / 1e6, t->min_bps() / 1e6,
             t->max_bps() / 1e6, outage_s);
  for (double s = 0; s < t->duration_s(); s += 1) {
    fmt::print("  {:5.0f} s  {:7.3f} Mbit/s\n", s, t->mean_bps(s, std::min(s + 1, t->duration_s())) / 1e6);
  }
  return 0;
}

}  // namespace

void register_trace(CLI::App& app) {
  CLI::App* trace =
      app.add_subcommand("trace", "Network traces for replay: generate (cellular-like, presets), show");
  trace->require_subcommand(1);
  auto g = std::make_shared<GenArgs>();
  CLI::App* gen = trace->add_subcommand(
      "gen",
      "Write a seeded cellular-like uplink trace (Markov-modulated rate with outages) or a DADS preset");
  gen->add_option("--seed", g->gen.seed, "Generator seed (the same seed, the same trace)")
      ->capture_default_str();
  gen->add_option("--duration", g->gen.duration_s, "Seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  gen->add_option("--min-mbps", g->gen.min_mbps, "Lowest rate outside outages")->capture_default_str();
  gen->add_option("--max-mbps", g->gen.max_mbps, "Highest rate")->capture_default_str();
  gen->add_option("--outage-share", g->gen.outage_share, "Long-run share of time in outage")
      ->capture_default_str();
  gen->add_option("--preset", g->preset, "A constant DADS technology rate instead: cat1, 3g, 4g, wifi");
  gen->add_option("-o,--out", g->out, "Output file (default: stdout)");
  gen->add_option("--format", g->format, "mahimahi, csv, or auto (csv for a .csv name)")
      ->check(CLI::IsMember({"auto", "mahimahi", "csv"}))
      ->capture_default_str();
  gen->callback([g] { finish(run_gen(*g)); });
  auto s = std::make_shared<ShowArgs>();
  CLI::App* show =
      trace->add_subcommand("show", "Read a trace (file, preset:NAME or gen:SEED) and print its rates");
  show->add_option("trace", s->path, "Trace file (mahimahi or t_s,mbps CSV), preset:NAME or gen:SEED")
      ->required();
  show->add_flag("--json", s->json, "Summary as JSON");
  show->callback([s] { finish(run_show(*s)); });
}

}  // namespace edgecut::cli
