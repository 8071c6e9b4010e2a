#include "eval/engine_bench.h"

#include <chrono>
#include <memory>

#include "exec/split_run.h"
#include "graph/segment.h"

namespace edgecut::eval {
namespace {

struct Contender {
  std::unique_ptr<exec::Executor> ex;
  exec::SegmentId id = -1;
  std::vector<double> ms;
};

Status check_options(const EngineBenchOptions& o) {
  if (o.engines.empty()) return error(Code::kInvalidArgument, "bench engines: no engine given");
  for (const auto& e : o.engines) {
    if (!engine::has_engine(e)) {
      return error(Code::kInvalidArgument, "bench engines: engine '{}' is not built in{}", e,
                   engine::canonical_engine(e) == "ort" ? " (run scripts/setup.sh, then rebuild)" : "");
    }
  }
  for (int t : o.threads) {
    if (t < 1) return error(Code::kInvalidArgument, "bench engines: threads must be >= 1, got {}", t);
  }
  if (o.runs < 1 || o.warmup < 0) return error(Code::kInvalidArgument, "bench engines: runs must be >= 1");
  return Status::ok();
}

Expected<EngineBenchRow> bench_threads(const graph::Model& model, const EngineBenchOptions& o, int threads,
                                       const std::vector<exec::Tensor>& inputs) {
  const graph::Graph& g = model.graph;
  EngineBenchRow row;
  row.model = g.name;
  row.nodes = g.num_nodes();
  row.threads = threads;
  engine::EngineOptions eo = o.engine;
  eo.threads = threads;
  std::vector<Contender> cs(o.engines.size());
  std::vector<exec::Tensor> out;
  for (size_t k = 0; k < o.engines.size(); ++k) {
    EngineTiming t;
    t.engine = engine::canonical_engine(o.engines[k]);
    t.options = engine::describe_options(o.engines[k], eo);
    auto ex = engine::make_executor(model, o.engines[k], eo);
    Expected<exec::SegmentId> id =
        ex ? (*ex)->prepare(graph::all_nodes(g)) : Expected<exec::SegmentId>(ex.status());
    if (!id) {
      t.error = id.status().message();
    } else {
      cs[k].ex = std::move(*ex);
      cs[k].id = *id;
      for (int w = 0; w < o.warmup; ++w) EDGECUT_RETURN_IF_ERROR(cs[k].ex->run(cs[k].id, inputs, &out));
    }
    row.engines.push_back(std::move(t));
  }
  const size_t n = cs.size();
  for (int r = 0; r < o.runs; ++r) {
    for (size_t j = 0; j < n; ++j) {
      Contender& c = cs[(j + static_cast<size_t>(r)) % n];  // rotate: no engine always runs first
      if (!c.ex) continue;
      auto t0 = std::chrono::steady_clock::now();
      EDGECUT_RETURN_IF_ERROR(c.ex->run(c.id, inputs, &out));
      c.ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  for (size_t k = 0; k < n; ++k) {
    if (cs[k].ex) row.engines[k].ms = profile::summarize(cs[k].ms);
    const double base = row.engines[0].ms.median, mine = row.engines[k].ms.median;
    row.ratio.push_back(base > 0 && mine > 0 ? mine / base : 0);
  }
  return row;
}

}  // namespace

Expected<std::vector<EngineBenchRow>> bench_engines(const graph::Model& model, const EngineBenchOptions& o) {
  EDGECUT_RETURN_IF_ERROR(check_options(o));
  EDGECUT_ASSIGN_OR_RETURN(
      std::vector<exec::Tensor> inputs,
      exec::random_tensors(model.graph, model.graph.inputs, static_cast<uint32_t>(o.seed)));
  std::vector<EngineBenchRow> rows;
  for (int t : o.threads) {
    EDGECUT_ASSIGN_OR_RETURN(EngineBenchRow row, bench_threads(model, o, t, inputs));
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json to_json(const EngineBenchRow& r) {
  nlohmann::json engines = nlohmann::json::array();
  for (size_t k = 0; k < r.engines.size(); ++k) {
    const EngineTiming& t = r.engines[k];
    nlohmann::json j = {{"engine", t.engine}, {"options", t.options}, {"ratio", r.ratio[k]}};
    if (t.error.empty()) {
      j["ms"] = profile::to_json(t.ms);
    } else {
      j["error"] = t.error;
    }
    engines.push_back(std::move(j));
  }
  return {{"model", r.model}, {"nodes", r.nodes}, {"threads", r.threads}, {"engines", engines}};
}

}  // namespace edgecut::eval
