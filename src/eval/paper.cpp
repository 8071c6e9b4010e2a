#include "eval/paper.h"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/edge_speed.h"

namespace edgecut::eval {
namespace {

std::string first_line_with(const std::string& path, const std::string& key) {
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) == 0) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "?";
}

}  // namespace

const std::vector<std::pair<std::string, Experiment>>& paper_experiments() {
  static const std::vector<std::pair<std::string, Experiment>> all = {{"E1", run_paper_e1},
                                                                      {"E2", run_paper_e2},
                                                                      {"E3", run_paper_e3},
                                                                      {"E4", run_paper_e4},
                                                                      {"E5", run_paper_e5}};
  return all;
}

std::string machine_facts() {
  utsname u{};
  ::uname(&u);
  return fmt::format("CPU: {} ({} cores online); memory: {}; kernel: {} {}; root: {}",
                     first_line_with("/proc/cpuinfo", "model name"), std::thread::hardware_concurrency(),
                     first_line_with("/proc/meminfo", "MemTotal"), u.sysname, u.release,
                     ::geteuid() == 0 ? "yes" : "no");
}

Status run_paper(const PaperOptions& o, const std::vector<std::string>& ids, std::ostream& progress) {
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return error(Code::kIo, "{}: cannot create: {}", o.out_dir, ec.message());
  std::vector<ExperimentResult> done;
  std::string failures;
  const auto t_all = std::chrono::steady_clock::now();
  for (const std::string& id : ids) {
    Experiment fn = nullptr;
    for (const auto& [name, f] : paper_experiments()) {
      if (name == id) fn = f;
    }
    if (!fn) return error(Code::kInvalidArgument, "unknown experiment '{}' (E1..E5)", id);
    progress << fmt::format("bench paper: {} ...\n", id) << std::flush;
    const auto t0 = std::chrono::steady_clock::now();
    auto r = fn(o, progress);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r) {
      failures += fmt::format("{}: {}; ", id, r.status().message());
      ExperimentResult f;
      f.id = id;
      f.title = "failed";
      f.markdown = fmt::format("## {}: failed\n\n{}\n", id, r.status().message());
      f.seconds = s;
      done.push_back(std::move(f));
      continue;
    }
    r->seconds = s;
    progress << fmt::format("bench paper: {} done in {:.1f} s{}\n", id, s,
                            r->skipped.empty() ? "" : " (skipped: " + r->skipped + ")")
             << std::flush;
    done.push_back(std::move(*r));
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_all).count();
  std::string md = "# edgecut bench paper: report\n\n";
  md += fmt::format("Command: `{}`\n\n", o.command);
  md += fmt::format("Machine: {}\n\n", machine_facts());
  md += fmt::format(
      "Mode: {}; edge:cloud speed {} (edge CPU quota {:.3g} of a core, cloud one core); {} repeat(s) "
      "per measured point; total {:.0f} s.\n\n",
      o.quick ? "quick (CI smoke test: small models, short phases)" : "full", EdgeSpeed{o.edge_ratio}.label(),
      1 / o.edge_ratio, o.quick ? 1 : o.repeats, total);
  md += "| experiment | time (s) | files |\n|---|---|---|\n";
  for (const auto& r : done) {
    std::string files;
    for (const auto& f : r.csv) files += fmt::format("[{0}]({0}) ", f);
    for (const auto& f : r.svg) files += fmt::format("[{0}]({0}) ", f);
    md += fmt::format("| {} {} | {:.1f} | {}{} |\n", r.id, r.title, r.seconds, files,
                      r.skipped.empty() ? "" : "skipped: " + r.skipped);
  }
  md += "\n";
  for (const auto& r : done) {
    md += r.markdown + "\n";
    for (const auto& f : r.svg) md += fmt::format("![{0}]({0})\n\n", f);
  }
  std::ofstream f(o.out_dir + "/report.md", std::ios::trunc);
  f << md;
  f.close();
  if (!f) return error(Code::kIo, "{}/report.md: write failed", o.out_dir);
  if (!failures.empty()) return error(Code::kInternal, "experiments failed: {}", failures);
  return Status::ok();
}

}  // namespace edgecut::eval
