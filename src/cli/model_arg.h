// MODEL arguments: a path to an .onnx file, or "zoo:NAME[@SIZE][/DIV]" for a
// built-in model (e.g. zoo:resnet50, zoo:googlenet@96, zoo:resnet1001/4:
// channel widths divided by 4, same nodes, 16x smaller weights), so that
// every subcommand runs without files to fetch; or "npm:NAME" for a
// pretrained model fetched by scripts/models.sh (task/npm_models.h, e.g.
// npm:mlsd-tiny-320, npm:blazeface-front-128).
//
// A model's card (task/model_card.h: preprocessing and task) comes from
// --card FILE, else the built-in table (npm:), else the sidecar MODEL.json
// beside the file, else the ImageNet classification default.
//
// Every command that takes a model also takes --input-shape NAME=DxDxD
// (repeatable; added to all of them in one place, add_model_options), which
// binds a graph input's symbolic dims before shape inference. Shapes that
// static inference leaves unknown are resolved by running the model once
// (engine/shape_probe.h).
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/onnx_import.h"
#include "task/model_card.h"

namespace edgecut::cli {

Expected<graph::Model> load_model_arg(const std::string& spec);
// The card for a model loaded from `spec` (see above), checked against it.
Expected<task::ModelCard> load_card_arg(const std::string& spec, const graph::Model& model);

// Adds --input-shape to every subcommand of `app` (at any depth) with a
// positional "model" or "models" argument. Call once, after registering them.
void add_model_options(CLI::App& app);

// "input=1x3x640x640" -> {"input", {1, 3, 640, 640}}; errors name the bad text.
Expected<std::map<std::string, std::vector<int64_t>>> parse_input_shapes(
    const std::vector<std::string>& specs);

inline constexpr const char* kModelHelp =
    "ONNX file, zoo:NAME[@IMAGE_SIZE][/WIDTH_DIVISOR] for a built-in random-weight model (see `edgecut zoo "
    "--list`), or npm:NAME for a pretrained one (npm:mlsd-tiny-320, npm:blazeface-front-128, ...)";

}  // namespace edgecut::cli
