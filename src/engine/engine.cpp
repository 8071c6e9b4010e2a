#include "engine/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "engine/opencv_executor.h"
#ifdef EDGECUT_HAVE_ORT
#include "engine/ort/ort_executor.h"
#endif

namespace edgecut::engine {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, EngineFactory> factories;
};

Registry& registry() {
  static Registry* r = [] {
    auto* reg = new Registry;  // never destroyed: usable from static destructors
    EngineFactory opencv = [](const graph::Model& m,
                              const EngineOptions& o) -> Expected<std::unique_ptr<exec::Executor>> {
      return std::unique_ptr<exec::Executor>(std::make_unique<OpenCvExecutor>(m, o));
    };
    reg->factories["opencv"] = opencv;
    reg->factories["opencv-dnn"] = opencv;
#ifdef EDGECUT_HAVE_ORT
    EngineFactory ort = [](const graph::Model& m,
                           const EngineOptions& o) -> Expected<std::unique_ptr<exec::Executor>> {
      return std::unique_ptr<exec::Executor>(std::make_unique<OrtExecutor>(m, o));
    };
    reg->factories["ort"] = ort;
    reg->factories["onnxruntime"] = ort;
#endif
    return reg;
  }();
  return *r;
}

}  // namespace

std::string default_engine() {
#ifdef EDGECUT_HAVE_ORT
  return "ort";
#else
  return "opencv";
#endif
}

bool has_engine(const std::string& name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  return r.factories.count(name) > 0;
}

std::string canonical_engine(const std::string& name) {
  if (name == "opencv-dnn") return "opencv";
  if (name == "onnxruntime") return "ort";
  return name;
}

Expected<int> parse_ort_opt_level(const std::string& s) {
  static const std::pair<const char*, int> kLevels[] = {{"disable", 0},  {"0", 0}, {"basic", 1}, {"1", 1},
                                                        {"extended", 2}, {"2", 2}, {"all", 99},  {"99", 99}};
  for (const auto& [name, level] : kLevels) {
    if (s == name) return level;
  }
  return error(Code::kInvalidArgument,
               "ORT optimisation level '{}' is not one of disable, basic, extended, all (or 0, 1, 2, 99)", s);
}

std::string describe_options(const std::string& engine, const EngineOptions& o) {
  if (canonical_engine(engine) != "ort") {
    return fmt::format("threads={} exact_splits={}", o.threads, o.exact_splits ? 1 : 0);
  }
  const char* level = o.ort_opt_level == 0   ? "disable"
                      : o.ort_opt_level == 1 ? "basic"
                      : o.ort_opt_level == 2 ? "extended"
                                             : "all";
  return fmt::format("threads={} opt={} spinning={}", o.threads, level, o.ort_allow_spinning ? 1 : 0);
}

void register_engine(const std::string& name, EngineFactory factory) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.factories[name] = std::move(factory);
}

std::vector<std::string> engine_names() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  std::vector<std::string> names;
  for (const auto& [name, f] : r.factories) names.push_back(name);
  return names;
}

Expected<std::unique_ptr<exec::Executor>> make_executor(const graph::Model& model, const std::string& engine,
                                                        const EngineOptions& options) {
  if (options.threads < 1) {
    return error(Code::kInvalidArgument, "engine threads must be >= 1, got {}", options.threads);
  }
  EngineFactory f;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.factories.find(engine);
    if (it == r.factories.end()) {
      std::string known;
      for (const auto& [name, unused] : r.factories) known += (known.empty() ? "" : ", ") + name;
      return error(Code::kInvalidArgument, "unknown engine '{}' (known: {})", engine, known);
    }
    f = it->second;
  }
  return f(model, options);
}

Expected<std::unique_ptr<exec::Executor>> make_executor(const graph::Model& model, const std::string& engine,
                                                        int threads) {
  EngineOptions o;
  o.threads = threads;
  return make_executor(model, engine, o);
}

}  // namespace edgecut::engine
