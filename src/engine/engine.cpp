#include "engine/engine.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "engine/opencv_executor.h"

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
    return reg;
  }();
  return *r;
}

}  // namespace

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
