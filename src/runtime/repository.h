// A Triton-layout model repository served by `edgecut serve --repository`:
// DIR/NAME/config.pbtxt (runtime/triton_config.h) and DIR/NAME/1/model.onnx,
// the whole models and the tails `export-tails` wrote (or any ONNX models laid
// out so, whose configs carry no edgecut parameters).
//
// Model control follows Triton's modes of the same names:
//   none      every model is loaded at start (a failure stops the start,
//             naming the model); RepositoryModelLoad of a model not loaded is
//             refused, as Triton refuses loads in this mode;
//   explicit  nothing is loaded at start; RepositoryModelLoad loads a model
//             from the repository, never anything else.
// Before a model is used it is checked: its config names the directory's
// model, declares the inputs and outputs its model.onnx has, and the model's
// structure hash is the one the config states. A tail (a config with
// edgecut_base_model) must moreover be exactly the cloud side of its edge
// set and encodings cut out of the repository's whole model (same structure
// hash as the tail rebuilt here); a tail that is not is refused, naming it.
// Loaded models are served from their own model.onnx, as Triton serves them;
// this server builds no tails for them.
//
// Thread-safe. Scanning is O(#entries); a load imports the model (and, for a
// tail, rebuilds its expected tail from the whole model once).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/onnx_import.h"
#include "runtime/triton_config.h"

namespace edgecut::runtime {

class ModelStore;

enum class ModelControl { kNone, kExplicit };
Expected<ModelControl> parse_model_control(const std::string& text);
const char* model_control_name(ModelControl m);

inline constexpr int kMaxRepositoryEntries = 100000;

class Repository {
 public:
  // Scans `dir`: every subdirectory with a config.pbtxt is an entry (the
  // others are ignored, as Triton ignores them). Fails naming the directory,
  // or the config that does not parse or names another model.
  static Expected<std::shared_ptr<Repository>> open(const std::string& dir, ModelControl mode);

  ModelControl mode() const { return mode_; }
  const std::string& dir() const { return dir_; }
  bool has(const std::string& name) const { return entries_.count(name) > 0; }
  std::vector<std::string> names() const;

  // Checks `name` and adds it to `store`. kNotFound when the repository has
  // no such model; kFailedPrecondition naming the model when a check fails.
  Status load_into(const std::string& name, ModelStore* store);
  // Every entry, whole models first (mode none at start).
  Status load_all(ModelStore* store);

 private:
  struct Entry {
    std::string dir;
    inference::ModelConfig config;
    ConfigInfo info;
  };
  Repository(std::string dir, ModelControl mode) : dir_(std::move(dir)), mode_(mode) {}
  Expected<graph::Model> checked_model(const std::string& name, const Entry& e) const;
  // The whole model `base` as the repository holds it, imported once.
  Expected<const graph::Model*> base_model(const std::string& base);
  Status check_tail(const std::string& name, const Entry& e, const graph::Model& tail);

  std::string dir_;
  ModelControl mode_;
  std::map<std::string, Entry> entries_;
  std::mutex mu_;  // guards bases_ and serialises loads
  std::map<std::string, std::unique_ptr<graph::Model>> bases_;
};

}  // namespace edgecut::runtime
