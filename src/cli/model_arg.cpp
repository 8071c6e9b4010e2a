#include "cli/model_arg.h"

#include <charconv>

#include "common/file.h"
#include "engine/shape_probe.h"
#include "task/npm_models.h"
#include "zoo/zoo.h"

namespace edgecut::cli {
namespace {

// --input-shape values of this process's one subcommand.
std::vector<std::string>& input_shape_specs() {
  static std::vector<std::string> specs;
  return specs;
}

// --card of this process's one subcommand.
std::string& card_path() {
  static std::string path;
  return path;
}

Expected<graph::Model> load_zoo(const std::string& spec, const graph::ImportOptions& io) {
  std::string name = spec.substr(4);
  zoo::Options opts;
  if (auto slash = name.find('/'); slash != std::string::npos) {
    std::string div = name.substr(slash + 1);
    name = name.substr(0, slash);
    auto [ptr, ec] = std::from_chars(div.data(), div.data() + div.size(), opts.width_divisor);
    if (ec != std::errc() || ptr != div.data() + div.size()) {
      return error(Code::kInvalidArgument, "{}: width divisor '{}' must be an integer", spec, div);
    }
  }
  if (auto at = name.find('@'); at != std::string::npos) {
    std::string size = name.substr(at + 1);
    name = name.substr(0, at);
    auto [ptr, ec] = std::from_chars(size.data(), size.data() + size.size(), opts.image_size);
    if (ec != std::errc() || ptr != size.data() + size.size() || opts.image_size < 16 ||
        opts.image_size > 4096) {
      return error(Code::kInvalidArgument, "{}: image size '{}' must be an integer in [16, 4096]", spec,
                   size);
    }
  }
  EDGECUT_ASSIGN_OR_RETURN(auto proto, zoo::build(name, opts));
  return graph::import_model(std::move(proto), spec, io);
}

}  // namespace

Expected<std::map<std::string, std::vector<int64_t>>> parse_input_shapes(
    const std::vector<std::string>& specs) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const std::string& s : specs) {
    const auto eq = s.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
      return error(Code::kInvalidArgument, "--input-shape '{}': expected NAME=DIMS, e.g. input=1x3x224x224",
                   s);
    }
    std::vector<int64_t> dims;
    const std::string d = s.substr(eq + 1);
    for (size_t at = 0; at <= d.size();) {
      size_t x = d.find('x', at);
      if (x == std::string::npos) x = d.size();
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(d.data() + at, d.data() + x, v);
      if (ec != std::errc() || ptr != d.data() + x || v < 1 || v > (int64_t{1} << 31)) {
        return error(Code::kInvalidArgument,
                     "--input-shape '{}': dims must be positive integers joined by 'x'", s);
      }
      dims.push_back(v);
      at = x + 1;
    }
    if (!out.emplace(s.substr(0, eq), dims).second) {
      return error(Code::kInvalidArgument, "--input-shape: '{}' is given twice", s.substr(0, eq));
    }
  }
  return out;
}

void add_model_options(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_option_no_throw("model") || sub->get_option_no_throw("models")) {
      sub->add_option("--input-shape", input_shape_specs(),
                      "Bind a model input's symbolic dims: NAME=DxDx... (e.g. input=1x3x640x640); repeatable")
          ->allow_extra_args(false);
      sub->add_option("--card", card_path(),
                      "Model card JSON (preprocessing and task; default: built-in for npm:, else MODEL.json "
                      "beside the model, else ImageNet classification)");
    }
    add_model_options(*sub);
  }
}

Expected<graph::Model> load_model_arg(const std::string& spec) {
  graph::ImportOptions io;
  EDGECUT_ASSIGN_OR_RETURN(io.input_shapes, parse_input_shapes(input_shape_specs()));
  if (spec.rfind("zoo:", 0) == 0) return load_zoo(spec, io);
  std::string path = spec;
  if (spec.rfind("npm:", 0) == 0) {
    EDGECUT_ASSIGN_OR_RETURN(path, task::npm_model_path(spec.substr(4)));
  }
  EDGECUT_ASSIGN_OR_RETURN(onnx::ModelProto proto, graph::read_model_file(path, io));
  EDGECUT_ASSIGN_OR_RETURN(graph::Model m, engine::import_resolving_shapes(std::move(proto), spec, io));
  if (spec.rfind("npm:", 0) == 0) m.graph.name = spec.substr(4);
  return m;
}

Expected<task::ModelCard> load_card_arg(const std::string& spec, const graph::Model& model) {
  task::ModelCard card;
  if (!card_path().empty()) {
    EDGECUT_ASSIGN_OR_RETURN(std::string text, read_bounded_file(card_path(), "model card", 1 << 20));
    EDGECUT_ASSIGN_OR_RETURN(card, task::parse_card_text(text, card_path()));
  } else if (spec.rfind("npm:", 0) == 0) {
    EDGECUT_ASSIGN_OR_RETURN(card, task::npm_model_card(spec.substr(4)));
  } else if (spec.rfind("zoo:", 0) == 0) {
    card = task::default_card(model);
  } else {
    EDGECUT_ASSIGN_OR_RETURN(auto side, task::read_sidecar(spec));
    card = side ? *side : task::default_card(model);
  }
  EDGECUT_RETURN_IF_ERROR(task::check_card(card, model));
  return card;
}

}  // namespace edgecut::cli
