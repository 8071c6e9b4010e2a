#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "common/status.h"

namespace edgecut::cli {
void register_trace(CLI::App& app);  // cmd_trace.cpp
}  // namespace edgecut::cli

namespace edgecut::cli {

int report_error(const char* cmd, const Status& status) {
  std::fprintf(stderr, "edgecut %s: error: %s\n", cmd, status.message().c_str());
  return status.code() == Code::kInvalidArgument ? 2 : 1;
}

}  // namespace edgecut::cli

int main(int argc, char** argv) {
  CLI::App app{
      "edgecut: cooperative edge-cloud DNN inference. Cuts an ONNX model between an edge\n"
      "device and a cloud server at the point of lowest end-to-end latency for the\n"
      "bandwidth measured now."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "edgecut 0.1.0");
  edgecut::cli::register_zoo(app);
  edgecut::cli::register_inspect(app);
  edgecut::cli::register_profile(app);
  edgecut::cli::register_plan(app);
  edgecut::cli::register_calibrate(app);
  edgecut::cli::register_bench(app);
  edgecut::cli::register_exec(app);
  edgecut::cli::register_serve(app);
  edgecut::cli::register_run(app);
  edgecut::cli::register_demo(app);
  edgecut::cli::register_export_tails(app);
  edgecut::cli::register_certs(app);
  edgecut::cli::register_trace(app);
  edgecut::cli::add_model_options(app);  // --input-shape wherever a model is taken
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
