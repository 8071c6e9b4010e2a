// Each subcommand lives in its own cmd_<name>.cpp and registers itself here.
// A handler returns the process exit code; errors are printed by the handler
// as "edgecut <cmd>: error: <message>" on stderr.
#pragma once

#include <CLI/CLI.hpp>

#include "common/status.h"

namespace edgecut::cli {

void register_zoo(CLI::App& app);
void register_inspect(CLI::App& app);
void register_profile(CLI::App& app);
void register_plan(CLI::App& app);
void register_bench(CLI::App& app);
void register_exec(CLI::App& app);
void register_serve(CLI::App& app);
void register_run(CLI::App& app);
void register_export_tails(CLI::App& app);
void register_demo(CLI::App& app);
void register_certs(CLI::App& app);


// Prints "edgecut <cmd>: error: <msg>" to stderr and returns 1 (2 for invalid usage).
int report_error(const char* cmd, const Status& status);

// Ends a subcommand callback with an exit code (CLI11 turns RuntimeError into
// the process exit status without printing anything).
inline void finish(int rc) {
  if (rc != 0) throw CLI::RuntimeError(rc);
}

}  // namespace edgecut::cli
