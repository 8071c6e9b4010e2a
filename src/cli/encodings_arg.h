// --calibration / --encodings / --min-fidelity for plan and run: which tensor
// encodings the partitioner may price (partition/encodings.h).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "common/status.h"
#include "graph/graph.h"
#include "partition/encodings.h"

namespace edgecut::cli {

struct EncodingArgs {
  std::string calibration;   // edgecut calibrate's output
  std::string encodings;     // "fp16,int8,zstd": empty = every calibrated encoding
  std::string min_fidelity;  // "0.99" (top-1) or "top1=0.99,cosine=0.999"
};

void add_encoding_options(CLI::App* sub, EncodingArgs* args);

// Null when no --calibration was given (raw fp32 only). Errors name the flag.
Expected<std::shared_ptr<const partition::EncodingTable>> load_encodings(const EncodingArgs& a,
                                                                         const graph::Graph& g);

// One line per tensor that may be sent encoded: its allowed encodings and the
// worst-frame task F1 each kept in calibration ("" when only fp32 is allowed).
std::string describe_allowed(const partition::EncodingTable* table, const graph::Graph& g);

}  // namespace edgecut::cli
