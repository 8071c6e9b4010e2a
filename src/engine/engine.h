// Engine registry: exec::Executor implementations by name.
//
// One small interface (exec::Executor), a registry of factories behind it
// (the ncnn / ONNX Runtime shape), so that the profiler, `edgecut exec` and the
// runtime pick an engine by a string. "opencv" (alias "opencv-dnn") is always
// built in; "ort" (ONNX Runtime, alias "onnxruntime") when the build found it
// (scripts/setup.sh fetches it; engine/ort/ort_executor.h), and then it is the
// default: about half of OpenCV's time on CNNs at 1 thread (`edgecut bench
// engines`), and it runs models OpenCV refuses (vit, convnext).
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

  // ONNX Runtime only (engine/ort/ort_executor.h has the measurements behind
  // the defaults). Graph optimisation level: 0 disable all, 1 basic,
  // 2 extended, 99 all (ORT's GraphOptimizationLevel values).
  int ort_opt_level = 99;
  // Intra-op worker threads spin while waiting for work (ORT's own default is
  // to spin). Off by default: on a shared machine spinning workers steal the
  // cores the other threads need.
  bool ort_allow_spinning = false;
};

// ORT's graph optimisation level from a name ("disable", "basic", "extended",
// "all") or its number; kInvalidArgument otherwise.
Expected<int> parse_ort_opt_level(const std::string& s);
// The options that change an engine's speed or numbers, as text for profiles
// and reports ("threads=1" for OpenCV; "threads=1 opt=all spinning=0" for ORT).
std::string describe_options(const std::string& engine, const EngineOptions& o);
// Canonical engine name for an alias ("opencv-dnn" -> "opencv",
// "onnxruntime" -> "ort"); unknown names are returned unchanged.
std::string canonical_engine(const std::string& name);

// Makes an executor. The executor keeps a reference to `model`, which must
// outlive it. Fails (kInvalidArgument) on an unknown engine name or threads < 1.
using EngineFactory =
    std::function<Expected<std::unique_ptr<exec::Executor>>(const graph::Model&, const EngineOptions&)>;

Expected<std::unique_ptr<exec::Executor>> make_executor(const graph::Model& model, const std::string& engine,
                                                        int threads = 1);
Expected<std::unique_ptr<exec::Executor>> make_executor(const graph::Model& model, const std::string& engine,
                                                        const EngineOptions& options);

// "ort" when ONNX Runtime is built in, else "opencv".
std::string default_engine();
// Whether `name` is a registered engine.
bool has_engine(const std::string& name);

// Adds (or replaces) a factory; thread-safe. Built-ins are registered on first use.
void register_engine(const std::string& name, EngineFactory factory);
// Registered names, sorted.
std::vector<std::string> engine_names();

}  // namespace edgecut::engine
