#include <cstdio>
#include <iostream>
#include <string>

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

namespace {

// CLI11 answers `edgecut foo` with "A subcommand is required"; name the word
// it did not know and the ones it would have taken instead. Walks the words
// before the first option down the commands that require a subcommand.
std::string unknown_subcommand(CLI::App& app, int argc, char** argv) {
  CLI::App* cur = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-' || cur->get_require_subcommand_min() == 0) return "";
    CLI::App* next = nullptr;
    std::string names;
    for (CLI::App* sub : cur->get_subcommands([](CLI::App*) { return true; })) {
      if (sub->check_name(word)) next = sub;
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!next) {
      const std::string path = cur == &app ? "edgecut" : "edgecut " + cur->get_name();
      return "unknown subcommand '" + word + "' of '" + path + "'; use one of: " + names + " (see " + path +
             " --help)";
    }
    cur = next;
  }
  return "";
}

}  // namespace

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
  if (const std::string unknown = edgecut::cli::unknown_subcommand(app, argc, argv); !unknown.empty()) {
    std::fprintf(stderr, "edgecut: error: %s\n", unknown.c_str());
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
