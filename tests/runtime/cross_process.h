// Test helper, header-only: cooperative inference across processes.
// `edgecut serve` started and waited for, frame logs read back, plan files
// written, and the digests a plan's frames must have (computed here).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/subprocess.h"
#include "engine/engine.h"
#include "exec/split_run.h"
#include "graph/onnx_import.h"
#include "runtime/preprocess.h"
#include "runtime/run_loop.h"
#include "runtime/source.h"
#include "test_paths.h"
#include "zoo_model.h"

namespace edgecut::runtime {

using namespace std::chrono_literals;

inline std::string temp_dir(const std::string& tag) {
  std::filesystem::path d =
      std::filesystem::temp_directory_path() / fmt::format("edgecut-xproc-{}-{}", tag, getpid());
  std::filesystem::create_directories(d);
  return d.string();
}

// `edgecut serve` on a free loopback port; the address once it listens.
struct Server {
  Subprocess proc;
  std::string address;
};

// `prefix` runs it elsewhere (`ip netns exec NS`), `extra` adds serve options.
inline Server start_server(const std::string& model, const std::string& dir,
                           const std::string& listen = "127.0.0.1:0", std::vector<std::string> prefix = {},
                           const std::vector<std::string>& extra = {}, const std::string& engine = "opencv") {
  SpawnOptions o;
  o.stdout_path = o.stderr_path = dir + "/server.log";
  for (const char* a : {edgecut::testing::edgecut_bin(), "serve"}) prefix.push_back(a);
  for (const std::string& a : {model, std::string("--engine"), engine, std::string("--listen"), listen})
    prefix.push_back(a);
  prefix.insert(prefix.end(), extra.begin(), extra.end());
  auto p = Subprocess::spawn(prefix, o);
  EXPECT_TRUE(p) << p.status().message();
  // No std::regex: GCC 12 warns (maybe-uninitialized) inside it under ASan.
  const std::string mark = "listening on ";
  for (int i = 0; i < 600; ++i) {  // bounded: 60 s
    std::ifstream f(o.stdout_path);
    std::string text((std::istreambuf_iterator<char>(f)), {});
    const size_t at = text.find(mark);
    if (at != std::string::npos) {
      const size_t from = at + mark.size();
      return {std::move(*p), text.substr(from, text.find(' ', from) - from)};
    }
    std::this_thread::sleep_for(100ms);
  }
  ADD_FAILURE() << "server did not start; see " << o.stdout_path;
  return {std::move(*p), ""};
}

inline std::vector<nlohmann::json> read_lines(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream f(path);
  for (std::string line; std::getline(f, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

inline std::string write_plan(const std::string& path, const graph::Graph& g,
                              const std::vector<graph::NodeId>& edge) {
  nlohmann::json j = {{"model", g.name},
                      {"model_hash", g.structure_hash()},
                      {"plans", {{{"algo", "test"}, {"edge_nodes", edge}}}}};
  std::ofstream(path) << j.dump();
  return path;
}

// Digests of each synthetic frame's outputs: split run and whole model, here.
struct Expected2 {
  std::vector<std::string> split, whole;
};

inline Expected2 local_digests(const graph::Model& m, const std::vector<graph::NodeId>& edge, int frames,
                               const std::string& engine_name = "opencv") {
  Expected2 e;
  auto ex = engine::make_executor(m, engine_name, 1);
  EXPECT_TRUE(ex);
  auto plan = exec::prepare_split(**ex, m.graph, edge);
  EXPECT_TRUE(plan) << plan.status().message();
  auto whole = (*ex)->prepare(graph::all_nodes(m.graph));
  const graph::Value& input = m.graph.values[m.graph.inputs[0]];
  for (int i = 0; i < frames; ++i) {
    auto x = preprocess(synthetic_frame(i), input);
    EXPECT_TRUE(x);
    auto r = exec::run_split(**ex, m.graph, *plan, {*x});
    EXPECT_TRUE(r) << r.status().message();
    e.split.push_back(outputs_digest(r->outputs));
    std::vector<exec::Tensor> outs;
    EXPECT_TRUE((*ex)->run(*whole, {*x}, &outs).is_ok());
    e.whole.push_back(outputs_digest(*exec::pick(m.graph, m.graph.outputs, outs)));
  }
  return e;
}

// `edgecut run` of synthetic frames on one fixed plan file, every frame logged
// to `log` (stdout / stderr beside it). `prefix` runs it elsewhere
// (`ip netns exec NS`), `extra` adds options.
inline Expected<Subprocess> spawn_run(const std::string& spec, const std::string& address,
                                      const std::string& plan, int frames, const std::string& log,
                                      const std::vector<std::string>& extra = {},
                                      std::vector<std::string> prefix = {},
                                      const std::string& engine = "opencv") {
  for (const std::string& a :
       {std::string(edgecut::testing::edgecut_bin()), std::string("run"), spec, std::string("--engine"),
        engine, std::string("--cloud"), address, std::string("--source"), std::string("synthetic"),
        std::string("--frames"), std::to_string(frames), std::string("--algo"), "fixed:" + plan,
        std::string("--bandwidth"), std::string("100Mbps"), std::string("--log"), log}) {
    prefix.push_back(a);
  }
  prefix.insert(prefix.end(), extra.begin(), extra.end());
  return Subprocess::spawn(prefix, {.stdout_path = log + ".out", .stderr_path = log + ".err"});
}

}  // namespace edgecut::runtime
