// edgecut export-tails MODEL --plans PLANS.json -o REPO/ [--name NAME]
//
// Writes the cloud halves of a plan file as a Triton-style model repository
// (runtime/tail_export.h), named as the edge asks for them.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/model_arg.h"
#include "partition/plan_io.h"
#include "runtime/tail_export.h"

namespace edgecut::cli {
namespace {

struct ExportArgs {
  std::string model, plans, out, name;
};

int run_export(const ExportArgs& a) {
  auto model = load_model_arg(a.model);
  if (!model) return report_error("export-tails", model.status());
  auto plans = partition::read_plan_file(a.plans, model->graph);
  if (!plans) return report_error("export-tails", plans.status());
  std::vector<std::vector<graph::NodeId>> sets;
  std::vector<runtime::PlanEncodings> encodings;
  for (auto& p : *plans) {
    sets.push_back(std::move(p.edge_nodes));
    encodings.push_back(std::move(p.cut_encodings));
  }
  const std::string name = a.name.empty() ? model->graph.name : a.name;
  auto tails = runtime::export_tails(*model, name, sets, a.out, encodings);
  if (!tails) return report_error("export-tails", tails.status());
  fmt::print("{} model(s) (the whole model and the tails of {} plan(s)) written to {}\n", tails->size(),
             sets.size(), a.out);
  for (const auto& t : *tails) {
    fmt::print("  {}  {} nodes, {} input(s), {} output(s)\n", t.name, t.nodes, t.inputs, t.outputs);
  }
  return 0;
}

}  // namespace

void register_export_tails(CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* cmd =
      app.add_subcommand("export-tails", "Write a plan file's tails as a Triton-style model repository");
  cmd->add_option("model", a->model, kModelHelp)->required();
  cmd->add_option("--plans", a->plans, "Plan file (edgecut plan ... -o FILE)")->required();
  cmd->add_option("-o,--out", a->out, "Repository folder to write")->required();
  cmd->add_option("--name", a->name, "Model name the tails are named after (default: the graph name)");
  cmd->callback([a] { finish(run_export(*a)); });
}

}  // namespace edgecut::cli
