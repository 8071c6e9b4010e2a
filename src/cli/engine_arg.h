// --engine and the engine's options, the same on every command that runs a
// model (exec, profile, bench accuracy, run, serve). Header-only.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "common/status.h"
#include "engine/engine.h"

namespace edgecut::cli {

struct EngineArgs {
  std::string engine = engine::default_engine();
  std::string ort_opt_level = "all";
  bool ort_spinning = false;
};

// with_engine false: only the ORT options (commands that take several engines).
inline void add_engine_options(CLI::App* sub, EngineArgs* a, bool with_engine = true) {
  if (with_engine) {
    sub->add_option("--engine", a->engine,
                    "Inference engine: ort (ONNX Runtime, the default where built in) or opencv")
        ->capture_default_str();
  }
  sub->add_option("--ort-opt-level", a->ort_opt_level,
                  "ORT graph optimisation: all (fastest; splits equal the whole model within 1e-5 relative), "
                  "disable (exact mode: splits bit-exact), basic, extended")
      ->capture_default_str();
  sub->add_flag("--ort-spinning", a->ort_spinning,
                "ORT worker threads spin while idle (faster on a quiet machine, slower on a busy one)");
}

// Options for engine::make_executor; fails on an unknown engine or level.
inline Expected<engine::EngineOptions> engine_options(const EngineArgs& a, int threads) {
  if (!engine::has_engine(a.engine)) {
    std::string known;
    for (const auto& n : engine::engine_names()) known += (known.empty() ? "" : ", ") + n;
    std::string hint = a.engine == "ort" || a.engine == "onnxruntime"
                           ? " (this build has no ONNX Runtime: run scripts/setup.sh, then rebuild)"
                           : "";
    return error(Code::kInvalidArgument, "unknown engine '{}' (known: {}){}", a.engine, known, hint);
  }
  engine::EngineOptions o;
  o.threads = threads;
  EDGECUT_ASSIGN_OR_RETURN(o.ort_opt_level, engine::parse_ort_opt_level(a.ort_opt_level));
  o.ort_allow_spinning = a.ort_spinning;
  return o;
}

}  // namespace edgecut::cli
