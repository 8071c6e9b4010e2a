// edgecut zoo NAME [-o FILE] [--image-size N] [--batch N] [--seed N] [--width-divisor N]
// edgecut zoo --list
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "zoo/zoo.h"

namespace edgecut::cli {

namespace {

struct ZooArgs {
  std::string name;
  std::string output;
  bool list = false;
  zoo::Options options;
};

void print_list() {
  for (const auto& n : zoo::model_names()) std::printf("%-14s %s\n", n.c_str(), zoo::describe(n).c_str());
  for (const auto& n : zoo::name_patterns()) std::printf("%-14s %s\n", n.c_str(), zoo::describe(n).c_str());
}

int run_zoo(const ZooArgs& a) {
  if (a.list) {
    print_list();
    return 0;
  }
  if (a.name.empty()) {
    return report_error("zoo",
                        Status(Code::kInvalidArgument, "missing model NAME (see `edgecut zoo --list`)"));
  }
  Expected<onnx::ModelProto> model = zoo::build(a.name, a.options);
  if (!model) return report_error("zoo", model.status());
  const std::string path = a.output.empty() ? a.name + ".onnx" : a.output;
  Status st = zoo::write_model(*model, path);
  if (!st.is_ok()) return report_error("zoo", st);
  int64_t params = 0;
  for (const auto& t : model->graph().initializer()) {
    int64_t n = 1;
    for (int64_t d : t.dims()) n *= d;
    params += n;
  }
  const double mib = static_cast<double>(model->ByteSizeLong()) / (1024.0 * 1024.0);
  std::printf("wrote %s: %s, %d nodes, %.2fM parameters, %.1f MiB\n", path.c_str(), a.name.c_str(),
              model->graph().node_size(), static_cast<double>(params) / 1e6, mib);
  return 0;
}

}  // namespace

void register_zoo(CLI::App& app) {
  auto args = std::make_shared<ZooArgs>();
  CLI::App* cmd =
      app.add_subcommand("zoo", "Write a built-in model (deterministic random weights) as an ONNX file");
  cmd->add_option("name", args->name, "Model name, e.g. resnet50, resnet1001, random7 (--list)");
  cmd->add_option("-o,--output", args->output, "Output file (default NAME.onnx)");
  cmd->add_flag("--list", args->list, "List the model names and exit");
  cmd->add_option("--image-size", args->options.image_size, "Input height = width")
      ->capture_default_str()
      ->check(CLI::Range(8, 4096));
  cmd->add_option("--batch", args->options.batch, "Batch size")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--seed", args->options.seed, "Weight seed")->capture_default_str();
  cmd->add_option("--width-divisor", args->options.width_divisor,
                  "Divide hidden channel counts (smaller model, same topology)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->callback([args] { finish(run_zoo(*args)); });
}

}  // namespace edgecut::cli
