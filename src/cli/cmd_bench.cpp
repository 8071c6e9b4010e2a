// edgecut bench: benchmarks that print ratios against baselines measured in
// the same process. Each subcommand lives in cmd_bench_<name>.cpp.
#include "cli/commands.h"

namespace edgecut::cli {

void register_bench_solve(CLI::App* bench);     // cmd_bench_solve.cpp
void register_bench_accuracy(CLI::App* bench);  // cmd_bench_accuracy.cpp
void register_bench_wire(CLI::App* bench);      // cmd_bench_wire.cpp
void register_bench_load(CLI::App* bench);      // cmd_bench_load.cpp
void register_bench_stream(CLI::App* bench);    // cmd_bench_stream.cpp
void register_bench_engines(CLI::App* bench);   // cmd_bench_engines.cpp
void register_bench_paper(CLI::App* bench);     // cmd_bench_paper.cpp

void register_bench(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks that print ratios against the baselines");
  bench->require_subcommand(1);
  register_bench_solve(bench);
  register_bench_accuracy(bench);
  register_bench_wire(bench);
  register_bench_load(bench);
  register_bench_stream(bench);
  register_bench_engines(bench);
  register_bench_paper(bench);
}

}  // namespace edgecut::cli
