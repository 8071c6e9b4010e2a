// MODEL arguments: a path to an .onnx file, or "zoo:NAME[@SIZE][/DIV]" for a
// built-in model (e.g. zoo:resnet50, zoo:googlenet@96, zoo:resnet1001/4:
// channel widths divided by 4, same nodes, 16x smaller weights), so that
// every subcommand runs without files to fetch.
#pragma once

#include <string>

#include "common/status.h"
#include "graph/onnx_import.h"

namespace edgecut::cli {

Expected<graph::Model> load_model_arg(const std::string& spec);

inline constexpr const char* kModelHelp =
    "ONNX file, or zoo:NAME[@IMAGE_SIZE][/WIDTH_DIVISOR] for a built-in model (see `edgecut zoo --list`)";

}  // namespace edgecut::cli
