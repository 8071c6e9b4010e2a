// edgecut serve [MODEL...] [--repository DIR [--model-control-mode none|explicit]]
//               --listen HOST:PORT [--workers N] [--threads N]
//
// The cloud half: a KServe v2 gRPC server for each MODEL (under its graph name,
// or --name) and for the tails edge clients ask it to build. Prints one line
// "listening on HOST:PORT" once it accepts calls (scripts wait for it), then
// serves until SIGINT / SIGTERM, which let the calls in flight finish.
#include <fmt/format.h>

#include <csignal>
#include <opencv2/core/utils/logger.hpp>
#include <thread>

#include "cli/cmd_profile_options.h"
#include "cli/commands.h"
#include "cli/engine_arg.h"
#include "cli/model_arg.h"
#include "cli/security_args.h"
#include "net/metrics_http.h"
#include "runtime/cloud_server.h"
#include "runtime/repository.h"

namespace edgecut::cli {
namespace {

struct ServeArgs {
  std::vector<std::string> models;
  std::vector<std::string> names;
  runtime::ServerOptions server;
  int threads = 1;
  EngineArgs engine;
  int64_t cache_mb = 4096;
  EmulationArgs emulation;
  ServerSecurityArgs security;
  std::string repository, model_control = "none";
  int metrics_port = -1;
};

// Blocks SIGINT / SIGTERM in every thread (gRPC's included, so call first)
// and returns the set for a sigwait() watcher.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// --repository: Triton's layout and model control (runtime/repository.h).
Status open_repository(const std::string& dir, const std::string& mode_text, runtime::ModelStore* store) {
  EDGECUT_ASSIGN_OR_RETURN(runtime::ModelControl mode, runtime::parse_model_control(mode_text));
  EDGECUT_ASSIGN_OR_RETURN(std::shared_ptr<runtime::Repository> repo, runtime::Repository::open(dir, mode));
  store->set_repository(repo);
  if (mode == runtime::ModelControl::kNone) EDGECUT_RETURN_IF_ERROR(repo->load_all(store));
  fmt::print(stderr, "edgecut serve: repository {}: {} model(s), model control mode {}\n", dir,
             repo->names().size(), runtime::model_control_name(mode));
  return Status::ok();
}

int run_serve(const ServeArgs& a) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  const sigset_t stop_set = block_stop_signals();
  auto cpu = apply_emulation(a.emulation);
  if (!cpu) return report_error("serve", cpu.status());
  runtime::ServerOptions server = a.server;
  Status sec = configure_server_security(a.security, server.listen, &server.credentials, &server.token);
  if (!sec.is_ok()) return report_error("serve", sec);
  runtime::StoreOptions so;
  auto eo = engine_options(a.engine, a.threads);
  if (!eo) return report_error("serve", eo.status());
  so.engine = *eo;
  so.engine_name = a.engine.engine;
  so.tail_cache_bytes = a.cache_mb << 20;
  auto store = std::make_shared<runtime::ModelStore>(so);
  for (size_t i = 0; i < a.models.size(); ++i) {
    auto model = load_model_arg(a.models[i]);
    if (!model) return report_error("serve", model.status());
    const std::string name = i < a.names.size() ? a.names[i] : model->graph.name;
    Status st = store->add_model(name, std::move(*model));
    if (!st.is_ok()) return report_error("serve", st.with_context(a.models[i]));
  }
  if (a.models.empty() && a.repository.empty()) {
    return report_error("serve",
                        error(Code::kInvalidArgument, "give MODEL files, --repository DIR, or both"));
  }
  if (!a.repository.empty()) {
    Status st = open_repository(a.repository, a.model_control, store.get());
    if (!st.is_ok()) return report_error("serve", st);
  }
  std::unique_ptr<net::MetricsHttpServer> metrics_http;
  if (a.metrics_port >= 0) {
    server.metrics = std::make_shared<net::Metrics>();
    server.metrics->set_tail_cache_bytes([store] { return store->cached_tail_bytes(); });
    const std::string host = server.listen.substr(0, server.listen.rfind(':'));
    auto m =
        net::MetricsHttpServer::start(host, a.metrics_port, [mt = server.metrics] { return mt->text(); });
    if (!m) return report_error("serve", m.status());
    metrics_http = std::move(*m);
  }
  auto started = runtime::CloudServer::start(store, server);
  if (!started) return report_error("serve", started.status());
  std::string models;
  for (const auto& n : store->model_names()) models += (models.empty() ? "" : ", ") + n;
  fmt::print("listening on {} (models: {}; {} worker(s) x {} thread(s); {}; {})\n", (*started)->address(),
             models, a.server.workers, a.threads,
             describe_server_security(a.security, !server.token.empty(), server.listen), cpu->describe());
  if (metrics_http) {  // after the line scripts wait for first
    fmt::print("metrics on http://{}/metrics\n",
               (*started)->address().substr(0, (*started)->address().rfind(':')) + ":" +
                   std::to_string(metrics_http->port()));
  }
  std::fflush(stdout);
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&stop_set, &sig);
    fmt::print(stderr, "edgecut serve: signal {}: finishing calls in flight\n", sig);
    (*started)->shutdown();
  });
  (*started)->wait();
  watcher.join();
  fmt::print(stderr, "edgecut serve: stopped\n");
  return 0;
}

}  // namespace

void register_serve(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd =
      app.add_subcommand("serve", "Cloud server: KServe v2 gRPC inference for models and their tails");
  cmd->add_option("models", a->models, kModelHelp);
  cmd->add_option(
      "--repository", a->repository,
      "Serve a Triton model repository (NAME/config.pbtxt, NAME/1/model.onnx; export-tails writes one)");
  cmd->add_option("--model-control-mode", a->model_control,
                  "Triton's model control for --repository: none (load all at start) or explicit (load on "
                  "RepositoryModelLoad)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "explicit"}));
  cmd->add_option("--name", a->names, "Serve the models under these names (default: the graph name)");
  cmd->add_option("--listen", a->server.listen, "Address to listen on, HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--workers", a->server.workers, "Engine runs at once (requests beyond wait in a queue)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--max-queue", a->server.max_queue, "Requests that may wait; more get RESOURCE_EXHAUSTED")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  add_engine_options(cmd, &a->engine);
  cmd->add_option("--threads", a->threads, "Engine threads per run")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_option("--cache-mb", a->cache_mb, "Memory bound of the tail cache (weights), MB")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  cmd->add_option("--max-message-bytes", a->server.limits.max_message_bytes,
                  "Largest message in bytes; larger ones are refused before allocation")
      ->capture_default_str();
  cmd->add_option(
         "--metrics-port", a->metrics_port,
         "Serve Prometheus metrics (Triton's names) at http://HOST:P/metrics, HOST as in --listen; 0: any "
         "free port")
      ->check(CLI::Range(0, 65535));
  add_emulation_options(cmd, &a->emulation);
  add_server_security_options(cmd, &a->security);
  cmd->callback([a] { finish(run_serve(*a)); });
}

}  // namespace edgecut::cli
