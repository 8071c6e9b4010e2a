#include "eval/load_bench.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/engine.h"
#include "eval/serve_process.h"
#include "exec/split_run.h"
#include "graph/segment.h"
#include "graph/structure.h"
#include "net/client.h"
#include "net/tail_name.h"
#include "profile/stats.h"

namespace edgecut::eval {
namespace {

using Clock = std::chrono::steady_clock;
using net::Millis;

// What one client sends: a tail's name and its input tensors.
struct Workload {
  std::string label;
  std::string tail;
  std::vector<graph::NodeId> edge_nodes;
  std::vector<exec::Tensor> send;
};

// `plans` workloads over the cut vertices (cloud-only first), with the
// crossing tensors computed by running each head here once.
Expected<std::vector<Workload>> make_workloads(const graph::Model& model, int plans) {
  const graph::Graph& g = model.graph;
  std::vector<graph::NodeId> cuts = graph::analyze(g).cut_vertices();
  if (!cuts.empty()) cuts.pop_back();  // cutting after the last node is edge-only
  EDGECUT_ASSIGN_OR_RETURN(auto ex, engine::make_executor(model, "opencv", 1));
  EDGECUT_ASSIGN_OR_RETURN(auto inputs, exec::random_tensors(g, g.inputs, 1));
  std::vector<Workload> out;
  for (int k = 0; k < plans; ++k) {
    Workload w;
    if (k > 0 && !cuts.empty()) {
      const graph::NodeId v = cuts[(cuts.size() - 1) * static_cast<size_t>(k) / std::max(1, plans - 1)];
      const auto pos = std::find(g.topo.begin(), g.topo.end(), v) - g.topo.begin();
      w.edge_nodes.assign(g.topo.begin(), g.topo.begin() + pos + 1);
      std::sort(w.edge_nodes.begin(), w.edge_nodes.end());
      w.label = "cut after " + g.nodes[v].name;
      w.tail = net::tail_model_name(g.name, w.edge_nodes);
    } else {
      w.label = "cloud-only";
      w.tail = g.name;
    }
    EDGECUT_ASSIGN_OR_RETURN(exec::SplitPlan sp, exec::prepare_split(*ex, g, w.edge_nodes));
    EDGECUT_ASSIGN_OR_RETURN(exec::SplitResult r, exec::run_split(*ex, g, sp, inputs));
    w.send = std::move(r.crossed);
    for (auto& t : w.send) t = t.clone();
    out.push_back(std::move(w));
  }
  return out;
}

double rss_mb(pid_t pid) {
  std::ifstream f(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

struct Tally {
  std::mutex mu;
  std::vector<double> latency_ms;
  int64_t errors = 0;
  std::map<std::string, int64_t> kinds;
  void error(const std::string& message) {
    std::lock_guard lock(mu);
    ++errors;
    ++kinds[message.substr(0, message.find(':'))];
  }
};

void client_loop(const std::string& address, const Workload& w, const LoadBenchOptions& o,
                 Clock::time_point end, Tally* tally) {
  net::ChannelOptions co;
  co.address = address;
  net::Client c(co);
  std::vector<double> mine;
  while (Clock::now() < end) {
    auto r = c.infer(w.tail, w.send, Millis(o.deadline_s * 1e3));
    if (r) {
      mine.push_back(r->round_trip_ms);
    } else {
      tally->error(r.status().message());
    }
  }
  std::lock_guard lock(tally->mu);
  tally->latency_ms.insert(tally->latency_ms.end(), mine.begin(), mine.end());
}

Status load_tails(const std::string& address, const graph::Graph& g, const std::vector<Workload>& ws) {
  net::ChannelOptions co;
  co.address = address;
  net::Client c(co);
  for (const auto& w : ws) {
    if (w.edge_nodes.empty()) continue;
    EDGECUT_RETURN_IF_ERROR(c.load(w.tail,
                                   {{net::kEdgeNodesParam, net::format_node_ranges(w.edge_nodes)},
                                    {net::kModelHashParam, g.structure_hash()}},
                                   Millis(120000)));
  }
  return Status::ok();
}

void summarise(Tally& t, LoadBenchReport* r) {
  r->requests = static_cast<int64_t>(t.latency_ms.size()) + t.errors;
  r->errors = t.errors;
  r->error_kinds = t.kinds;
  r->throughput_rps = static_cast<double>(t.latency_ms.size()) / r->options.duration_s;
  r->p50_ms = profile::quantile(t.latency_ms, 0.5);
  r->p99_ms = profile::quantile(t.latency_ms, 0.99);
  r->warm_s = std::min(120.0, r->options.duration_s / 5);
  double warm = 0, last = r->rss_mb.empty() ? 0 : r->rss_mb.back().second;
  for (const auto& [t_s, mb] : r->rss_mb) {
    if (t_s <= r->warm_s) warm = mb;
  }
  r->rss_growth_pct = warm > 0 ? 100 * (last - warm) / warm : 0;
}

}  // namespace

Expected<LoadBenchReport> run_load_bench(const graph::Model& model, const LoadBenchOptions& o) {
  if (o.clients < 1 || o.plans < 1 || !(o.duration_s > 0)) {
    return error(Code::kInvalidArgument, "bench load needs clients >= 1, plans >= 1 and a duration > 0");
  }
  LoadBenchReport rep;
  rep.options = o;
  EDGECUT_ASSIGN_OR_RETURN(std::vector<Workload> ws, make_workloads(model, o.plans));
  for (const auto& w : ws) rep.plans.push_back(w.label);
  const std::string log = fmt::format("/tmp/edgecut-load-serve-{}.log", ::getpid());
  std::optional<ServeProcess> server;
  if (o.server.empty()) {
    EDGECUT_ASSIGN_OR_RETURN(
        ServeProcess s, start_serve({o.exe, "serve", o.model_arg, "--listen", "127.0.0.1:0", "--workers",
                                     std::to_string(o.workers), "--max-queue", std::to_string(o.max_queue)},
                                    log));
    server.emplace(std::move(s));
  }
  const std::string address = server ? server->address : o.server;
  EDGECUT_RETURN_IF_ERROR(load_tails(address, model.graph, ws));
  Tally tally;
  const auto t0 = Clock::now();
  const auto end =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration_s));
  std::vector<std::thread> threads;
  for (int i = 0; i < o.clients; ++i) {
    threads.emplace_back(client_loop, address, std::cref(ws[static_cast<size_t>(i) % ws.size()]),
                         std::cref(o), end, &tally);
  }
  for (auto now = Clock::now(); now < end; now = Clock::now()) {
    const double t = std::chrono::duration<double>(now - t0).count();
    if (server) rep.rss_mb.emplace_back(t, rss_mb(server->proc.pid()));
    if (o.progress) o.progress(t / o.duration_s);
    std::this_thread::sleep_for(std::chrono::duration<double>(o.sample_s));
  }
  for (auto& t : threads) t.join();
  if (server) {
    rep.rss_mb.emplace_back(o.duration_s, rss_mb(server->proc.pid()));
    const ExitStatus ended = server->proc.terminate(std::chrono::milliseconds(10000));
    if (!ended.success())
      return error(Code::kIo, "edgecut serve ended with {}; see {}", ended.describe(), log);
    std::remove(log.c_str());
  }
  summarise(tally, &rep);
  return rep;
}

nlohmann::json LoadBenchReport::to_json() const {
  nlohmann::json rss = nlohmann::json::array();
  for (const auto& [t, mb] : rss_mb) rss.push_back({t, mb});
  return {{"clients", options.clients},
          {"duration_s", options.duration_s},
          {"workers", options.workers},
          {"plans", plans},
          {"requests", requests},
          {"errors", errors},
          {"error_kinds", error_kinds},
          {"throughput_rps", throughput_rps},
          {"p50_ms", p50_ms},
          {"p99_ms", p99_ms},
          {"rss_mb", rss},
          {"warm_s", warm_s},
          {"rss_growth_pct", rss_growth_pct}};
}

std::string LoadBenchReport::describe() const {
  std::string s = fmt::format("{} clients x {:.0f} s against one server ({} worker(s)), {} plan(s):\n",
                              options.clients, options.duration_s, options.workers, plans.size());
  for (const auto& p : plans) s += "  " + p + "\n";
  s += fmt::format("  requests {}  errors {}  throughput {:.1f}/s  latency p50 {:.2f} ms  p99 {:.2f} ms\n",
                   requests, errors, throughput_rps, p50_ms, p99_ms);
  for (const auto& [kind, n] : error_kinds) s += fmt::format("  error {}: {}\n", kind, n);
  const double first = rss_mb.empty() ? 0 : rss_mb.front().second,
               last = rss_mb.empty() ? 0 : rss_mb.back().second;
  s += fmt::format("  server RSS {:.1f} MB at start, {:.1f} MB at the end; growth after {:.0f} s: {:+.2f}%\n",
                   first, last, warm_s, rss_growth_pct);
  return s;
}

}  // namespace edgecut::eval
