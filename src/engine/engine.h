// Engine registry: exec::Executor implementations by name.
//
// One small interface (exec::Executor), a registry of factories behind it
// (the ncnn / ONNX Runtime shape), so that the profiler, `edgecut exec` and the
// runtime pick an engine by a string. "opencv" (alias "opencv-dnn") is built in.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "exec/executor.h"
#include "graph/onnx_import.h"

namespace edgecut::engine {

struct EngineOptions {
  int threads = 1;  // worker threads per run; >= 1
  // Run every newly prepared segment once on zeros, so that an engine which
  // only fails at its first forward (shape errors in a layer, unsupported
  // broadcasting) is refused by prepare(), not by run(). Doubles as warm-up.
  bool validate_on_prepare = true;
  // Keep every segment bit-exact with the whole model under any cut: OpenCV
  // folds BatchNormalization (and Mul / Add by constants) into the preceding
  // Conv's weights, which rounds differently from running them apart, so a cut
  // between the two would change the result in the last bits. true keeps such
  // Conv outputs materialised in every segment (the affine layer runs on its
  // own, a memory-bound pass); false lets OpenCV fold (faster, not bit-exact
  // across such cuts). torchvision exports have BN folded already: no cost.
  bool exact_splits = true;
};

// Makes an executor. The executor keeps a reference to `model`, which must
// outlive it. Fails (kInvalidArgument) on an unknown engine name or threads < 1.
using EngineFactory =
    std::function<Expected<std::unique_ptr<exec::Executor>>(const graph::Model&, const EngineOptions&)>;

Expected<std::unique_ptr<exec::Executor>> make_executor(const graph::Model& model,
                                                        const std::string& engine = "opencv",
                                                        int threads = 1);
Expected<std::unique_ptr<exec::Executor>> make_executor(const graph::Model& model, const std::string& engine,
                                                        const EngineOptions& options);

// Adds (or replaces) a factory; thread-safe. Built-ins are registered on first use.
void register_engine(const std::string& name, EngineFactory factory);
// Registered names, sorted.
std::vector<std::string> engine_names();

}  // namespace edgecut::engine
