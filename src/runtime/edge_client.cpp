#include "runtime/edge_client.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>

#include "graph/segment.h"
#include "net/tail_name.h"

namespace edgecut::runtime {

using Clock = std::chrono::steady_clock;
using net::Millis;

namespace {

// CPU time of this process, all threads (the engine's, gRPC's), in ms.
double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

EdgeClient::EdgeClient(const graph::Model& model, const EdgeOptions& options)
    : model_(model), options_(options) {}

EdgeClient::~EdgeClient() {
  if (link_) link_->stop();  // before the parts its thread uses go
}

Expected<std::unique_ptr<EdgeClient>> EdgeClient::create(const graph::Model& model,
                                                         std::vector<double> edge_ms,
                                                         std::vector<double> cloud_ms,
                                                         const EdgeOptions& options) {
  std::unique_ptr<EdgeClient> e(new EdgeClient(model, options));
  if (e->options_.model_name.empty()) e->options_.model_name = model.graph.name;
  EDGECUT_ASSIGN_OR_RETURN(e->executor_, engine::make_executor(model, options.engine_name, options.engine));
  EDGECUT_ASSIGN_OR_RETURN(e->whole_, e->executor_->prepare(graph::all_nodes(model.graph)));
  e->client_ = std::make_unique<net::Client>(options.channel);
  // The RTT first, when the cloud answers: the candidates depend on it. The
  // minimum of a few pings; none answering is no error (edge-only until one does).
  double rtt = INFINITY;
  for (int i = 0; i < 5; ++i) {
    auto ms = e->client_->ping(Millis(i == 0 ? options.connect_timeout_ms : 1000));
    if (!ms) break;
    rtt = std::min(rtt, *ms);
  }
  const bool up = std::isfinite(rtt);
  ControllerOptions control = options.control;
  control.unavailable = [slot = e->view_, name = e->options_.model_name](const Candidate& c) {
    return *slot ? (*slot)->unavailable(name, c) : std::string();
  };
  if (up) EDGECUT_RETURN_IF_ERROR(e->discover());
  EDGECUT_ASSIGN_OR_RETURN(Controller ctl,
                           Controller::create(model.graph, std::move(edge_ms), std::move(cloud_ms), control,
                                              up ? rtt : options.assumed_rtt_ms));
  e->session_ = std::make_unique<EdgeSession>(model, *e->executor_, *e->client_, std::move(ctl),
                                              e->options_.model_name, options.control.throughput);
  LinkOptions lo;
  lo.initial_bps = options.initial_bps;
  lo.fixed_bps = options.fixed_bps;
  lo.ping_interval_ms = options.ping_interval_ms;
  lo.probe = options.probe;
  lo.downlink_ratio = options.control.downlink_ratio;
  e->link_ = std::make_unique<LinkMonitor>(*e->client_, lo);
  if (up) e->apply_view();
  if (up) e->link_->add_rtt(rtt);
  FramePathOptions po;
  po.deadline_factor = options.deadline_factor;
  po.deadline_min_ms = options.deadline_min_ms;
  po.early_finish = options.early_finish;
  po.image_norm = options.image_norm;
  e->path_ =
      std::make_unique<FramePath>(model, *e->executor_, e->whole_, *e->session_, *e->link_, *e->client_, po);
  EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> x,
                           exec::random_tensors(model.graph, model.graph.inputs, 1));
  EDGECUT_RETURN_IF_ERROR(e->time_edge(x));
  e->link_->start(up, [p = e.get()] { return p->join(); });
  if (up) {
    // The link first: how many whole inputs the cloud's timing may send
    // depends on it. At start a refusal is the user's to see (a wrong model
    // name, a tail the server cannot build), not a reason to run edge-only.
    e->link_->initial_probes();
    EDGECUT_RETURN_IF_ERROR(e->calibrate_cloud(x, &e->notes_));
    EDGECUT_RETURN_IF_ERROR(e->session_->prepare_all());
    e->joined_ = true;
    e->collect_notes();
  }
  return e;
}

Status EdgeClient::time_edge(const std::vector<exec::Tensor>& x) {
  // The profiles may be estimates or minutes old: time the whole model here
  // once (after a warm-up run) so the first frames plan with today's speed;
  // the running corrections take it from there.
  for (int i = 0; i < 2; ++i) {
    const auto t0 = Clock::now();
    const double c0 = process_cpu_ms();
    std::vector<exec::Tensor> outs;
    EDGECUT_RETURN_IF_ERROR(executor_->run(whole_, x, &outs));
    edge_ms_ = Millis(Clock::now() - t0).count();
    edge_cpu_ms_ = process_cpu_ms() - c0;
  }
  return session_->with_controller([&](Controller& c) {
    edge_factor_ = edge_ms_ / std::max(c.total_edge_ms(), 1e-6);
    return c.calibrate(edge_factor_, 0);
  });
}

Status EdgeClient::calibrate_cloud(const std::vector<exec::Tensor>& x, std::vector<std::string>* notes) {
  // Two calls (the first warms the server up) where the whole input is quick
  // to send, one where it takes seconds, none past that: at 0.13 Mbit/s two
  // GoogLeNet inputs took 74 s before the first frame. Uncalibrated, the
  // cloud keeps its profiled times until frames that use it correct them.
  if (!options_.time_cloud) return Status::ok();
  double in_bytes = 0;
  for (const auto& t : x) in_bytes += static_cast<double>(t.bytes());
  const double up_s = 8 * in_bytes / link_->estimate_bps();
  const int calls = up_s < 0.3 ? 2 : up_s < 3 ? 1 : 0;
  if (calls == 0) {
    if (notes)
      notes->push_back(
          fmt::format("cloud not timed at start: the whole input ({:.0f} KB) takes {:.1f} s to send at "
                      "{:.2f} Mbit/s; the cloud's profiled times stand until frames correct them",
                      in_bytes / 1e3, up_s, link_->estimate_bps() / 1e6));
    return Status::ok();
  }
  double cloud_ms = 0, send_cpu_ms = 0;
  for (int i = 0; i < calls; ++i) {
    const double c1 = process_cpu_ms();
    auto reply = client_->infer(options_.model_name, x, Millis(60000));
    if (!reply) return reply.status().with_context("calibrating the cloud with the whole model");
    send_cpu_ms = process_cpu_ms() - c1;
    cloud_ms = reply->compute_ms;
    cloud_timed_ = reply->server_timed;
  }
  // The send cost is measured with edgecut's probe model, which stock servers lack.
  const bool builds = *view_ && (*view_)->builds;
  if (options_.control.throughput && builds) EDGECUT_RETURN_IF_ERROR(measure_send_cost(x, send_cpu_ms));
  return session_->with_controller([&](Controller& c) {
    return c.calibrate(edge_factor_, cloud_ms / std::max(c.total_cloud_ms(), 1e-6));
  });
}

// The edge CPU one request takes, from the CPU time of the whole model's call
// (`big_cpu_ms` for the model's inputs) and of a one-byte probe, as a line in
// bytes; turned into edge-stage wall time by the CPU share the head got
// (CPU ms per wall ms of the whole model here: 0.1 under a 0.1-core quota).
Status EdgeClient::measure_send_cost(const std::vector<exec::Tensor>& inputs, double big_cpu_ms) {
  EDGECUT_ASSIGN_OR_RETURN(exec::Tensor one, exec::Tensor::make("payload", graph::DType::kUInt8, {1}));
  double small_cpu_ms = 0;
  for (int i = 0; i < 2; ++i) {
    const double c0 = process_cpu_ms();
    auto reply = client_->infer(net::kProbeModel, {one}, Millis(10000));
    if (!reply) return reply.status().with_context("timing what a request costs the edge");
    small_cpu_ms = process_cpu_ms() - c0;
  }
  double big_bytes = 0;
  for (const auto& t : inputs) big_bytes += static_cast<double>(t.bytes());
  const double share = std::clamp(edge_cpu_ms_ / std::max(edge_ms_, 1e-6), 0.01, 64.0);
  const double per_byte = std::max(0.0, big_cpu_ms - small_cpu_ms) / std::max(1.0, big_bytes - 1);
  session_->with_controller([&](Controller& c) {
    c.set_send_cost(small_cpu_ms / share, per_byte / share);
    return 0;
  });
  return Status::ok();
}

bool EdgeClient::join() {
  if (joined_) return session_->reload_tails();  // back after a fault: tails may be gone
  // First contact with a cloud that was unreachable at start.
  auto x = exec::random_tensors(model_.graph, model_.graph.inputs, 1);
  if (!x || !discover().is_ok() || !calibrate_cloud(*x, nullptr).is_ok() || !session_->prepare_all().is_ok())
    return false;
  joined_ = true;
  return true;
}

Expected<std::vector<exec::Tensor>> EdgeClient::infer(const std::vector<exec::Tensor>& inputs,
                                                      FrameLog* log) {
  EDGECUT_ASSIGN_OR_RETURN(EdgeFrame f, path_->run(inputs, frames_++));
  *log = std::move(f.log);
  return std::move(f.outputs);
}

Expected<EdgeFrame> EdgeClient::start_frame(std::vector<exec::Tensor> inputs) {
  link_->maybe_probe();  // on the edge thread, between frames
  EdgeFrame f = path_->begin(std::move(inputs), frames_++);
  EDGECUT_RETURN_IF_ERROR(path_->head(&f));
  return f;
}

}  // namespace edgecut::runtime
