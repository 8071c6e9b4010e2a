// size: the latency-mode frame path of EdgeClient (create, calibrate, plans,
// one frame, probes, reconnects) in one file, just over the limit since the
// load-aware and encoding changes; the stream path is edge_client_stream.cpp.
#include "runtime/edge_client.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>

#include "graph/segment.h"
#include "net/tail_name.h"

namespace edgecut::runtime {

using Clock = std::chrono::steady_clock;
using net::Millis;

nlohmann::json FrameLog::to_json() const {
  auto pj = [](const Prediction& p) {
    return nlohmann::json{{"edge_ms", p.edge_ms},   {"up_ms", p.up_ms},     {"rtt_ms", p.rtt_ms},
                          {"cloud_ms", p.cloud_ms}, {"down_ms", p.down_ms}, {"total_ms", p.total_ms}};
  };
  return {{"frame", frame},
          {"t_s", t_s},
          {"plan", plan},
          {"origin", origin},
          {"edge_nodes", edge_nodes},
          {"switched", switched},
          {"est_bps", est_bps},
          {"rtt_ms", rtt_ms},
          {"pred_raw", pj(pred_raw)},
          {"pred", pj(pred)},
          {"fe", fe},
          {"fc", fc},
          {"head_ms", head_ms},
          {"call_ms", call_ms},
          {"compute_ms", compute_ms},
          {"queue_ms", queue_ms},
          {"up_ms", up_ms},
          {"total_ms", total_ms},
          {"up_bytes", up_bytes},
          {"up_raw_bytes", up_raw_bytes},
          {"encode_ms", encode_ms},
          {"decode_ms", decode_ms},
          {"encodings", encodings},
          {"down_bytes", down_bytes},
          {"fallback", fallback},
          {"note", note},
          {"bw_samples", bw_samples},
          {"bw_rejected", bw_rejected}};
}

namespace {
// Probes long enough that tbf's burst (rate / HZ) and timer noise stay small
// against them: about 50 ms on the wire, often enough to see a rising link
// within a second.
net::ProbeOptions probe_options() {
  net::ProbeOptions p;
  p.target_transfer_s = 0.05;
  p.min_bytes = 64 << 10;
  p.max_bytes = 4 << 20;
  p.min_interval_s = 0.2;
  p.max_share = 0.25;  // only while the plan sends nothing: the link is idle anyway
  return p;
}
}  // namespace

EdgeClient::EdgeClient(const graph::Model& model, Controller controller, const EdgeOptions& options)
    : model_(model), options_(options), controller_(std::move(controller)), pacer_(probe_options()) {}

EdgeClient::~EdgeClient() {
  stop_ = true;
  if (bg_.joinable()) bg_.join();
}

double EdgeClient::now_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

Expected<std::unique_ptr<EdgeClient>> EdgeClient::create(const graph::Model& model,
                                                         std::vector<double> edge_ms,
                                                         std::vector<double> cloud_ms,
                                                         const EdgeOptions& options) {
  auto client = std::make_unique<net::Client>(options.channel);
  // The RTT first: the candidates depend on it. The minimum of a few pings.
  double rtt = INFINITY;
  Status last;
  for (int i = 0; i < 5; ++i) {
    auto ms = client->ping(Millis(i == 0 ? 5000 : 1000));
    if (ms)
      rtt = std::min(rtt, *ms);
    else
      last = ms.status();
  }
  if (!std::isfinite(rtt)) return last.with_context("cannot reach the cloud server");
  ControllerOptions control = options.control;
  EDGECUT_ASSIGN_OR_RETURN(auto view, discover_server(*client, model, options, &control));
  EDGECUT_ASSIGN_OR_RETURN(
      Controller ctl, Controller::create(model.graph, std::move(edge_ms), std::move(cloud_ms), control, rtt));
  std::unique_ptr<EdgeClient> e(new EdgeClient(model, std::move(ctl), options));
  if (e->options_.model_name.empty()) e->options_.model_name = model.graph.name;
  e->client_ = std::move(client);
  e->view_ = std::move(view);
  e->start_ = Clock::now();
  e->rtt_.add(rtt / 1e3, 0);
  EDGECUT_ASSIGN_OR_RETURN(e->executor_, engine::make_executor(model, options.engine_name, options.engine));
  EDGECUT_ASSIGN_OR_RETURN(e->whole_, e->executor_->prepare(graph::all_nodes(model.graph)));
  EDGECUT_RETURN_IF_ERROR(e->calibrate());
  EDGECUT_RETURN_IF_ERROR(e->prepare_new_plans());
  if (options.fixed_bps <= 0 && e->view_->builds) e->initial_probes();
  e->collect_notes();
  e->bg_ = std::thread([p = e.get()] { p->background(); });
  return e;
}

Status EdgeClient::load_tail(const Prepared& p) {
  if (p.split.tail < 0 || p.split.edge_nodes.empty()) return Status::ok();  // edge-only / whole model
  bool done = false;
  EDGECUT_RETURN_IF_ERROR(load_held_tail(p, &done));
  if (done) return Status::ok();
  return client_->load(p.tail_name,
                       {{net::kEdgeNodesParam, net::format_node_ranges(p.split.edge_nodes)},
                        {net::kModelHashParam, model_.graph.structure_hash()}},
                       Millis(60000));
}

Status EdgeClient::prepare_new_plans() {
  const auto& cands = controller_.candidates();
  while (prepared_.size() < cands.size()) {
    const Candidate& c = cands[prepared_.size()];
    Prepared p;
    EDGECUT_ASSIGN_OR_RETURN(p.split, exec::prepare_split(*executor_, model_.graph, c.edge_nodes));
    if (p.split.tail >= 0) {
      p.tail_name = c.edge_nodes.empty() ? options_.model_name
                                         : net::tail_model_name(options_.model_name, p.split.edge_nodes);
      p.crossing = executor_->info(p.split.tail).inputs;
      for (graph::ValueId x : p.crossing) {
        codec::Encoding e;
        for (const auto& [y, name] : c.encodings) {
          if (y == x) {
            EDGECUT_ASSIGN_OR_RETURN(e, codec::parse_encoding(name));
          }
        }
        p.encoded |= !(e == codec::Encoding{});
        p.encodings.push_back(e);
      }
      EDGECUT_RETURN_IF_ERROR(load_tail(p));
    }
    std::lock_guard lock(plans_mu_);
    prepared_.push_back(std::move(p));
  }
  return Status::ok();
}

namespace {

// CPU time of this process, all threads (the engine's, gRPC's), in ms.
double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

Status EdgeClient::calibrate() {
  // The profiles may be estimates or minutes old: time the whole model on
  // each side once (after a warm-up run) so the first frames plan with
  // today's speeds; the running corrections take it from there.
  EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> x,
                           exec::random_tensors(model_.graph, model_.graph.inputs, 1));
  double edge_ms = 0, edge_cpu_ms = 0, cloud_ms = 0, send_cpu_ms = 0;
  for (int i = 0; i < 2; ++i) {
    const auto t0 = Clock::now();
    const double c0 = process_cpu_ms();
    EDGECUT_RETURN_IF_ERROR(run_whole(x).status());
    edge_ms = Millis(Clock::now() - t0).count();
    edge_cpu_ms = process_cpu_ms() - c0;
    const double c1 = process_cpu_ms();
    auto reply = client_->infer(options_.model_name, x, Millis(60000));
    if (!reply) return reply.status().with_context("calibrating the cloud with the whole model");
    send_cpu_ms = process_cpu_ms() - c1;
    cloud_ms = reply->compute_ms;
  }
  if (options_.control.throughput && view_->builds)  // the send cost is measured with edgecut's probe model
    EDGECUT_RETURN_IF_ERROR(measure_send_cost(x, edge_ms, edge_cpu_ms, send_cpu_ms));
  return controller_.calibrate(edge_ms / std::max(controller_.total_edge_ms(), 1e-6),
                               cloud_ms / std::max(controller_.total_cloud_ms(), 1e-6));
}

// The edge CPU one request takes, from the CPU time of the whole model's call
// (`big_cpu_ms` for the model's inputs) and of a one-byte probe, as a line in
// bytes; turned into edge-stage wall time by the CPU share the head got
// (CPU ms per wall ms of the whole model here: 0.1 under a 0.1-core quota).
Status EdgeClient::measure_send_cost(const std::vector<exec::Tensor>& inputs, double edge_ms,
                                     double edge_cpu_ms, double big_cpu_ms) {
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
  const double share = std::clamp(edge_cpu_ms / std::max(edge_ms, 1e-6), 0.01, 64.0);
  const double per_byte = std::max(0.0, big_cpu_ms - small_cpu_ms) / std::max(1.0, big_bytes - 1);
  controller_.set_send_cost(small_cpu_ms / share, per_byte / share);
  return Status::ok();
}

double EdgeClient::estimate_bps() const {
  if (options_.fixed_bps > 0) return options_.fixed_bps;
  std::lock_guard lock(mu_);
  return bw_.estimate_bps().value_or(options_.initial_bps);
}

Expected<std::vector<exec::Tensor>> EdgeClient::run_whole(const std::vector<exec::Tensor>& inputs) {
  std::vector<exec::Tensor> outs;
  EDGECUT_RETURN_IF_ERROR(executor_->run(whole_, inputs, &outs));
  return exec::pick(model_.graph, model_.graph.outputs, outs);
}

Status EdgeClient::run_cloud(const Prepared& p, const std::vector<exec::Tensor>& pool,
                             std::vector<exec::Tensor>* out, FrameLog* log) {
  EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> send, exec::pick(model_.graph, p.crossing, pool));
  const double predicted_call = log->pred.up_ms + log->pred.rtt_ms + log->pred.cloud_ms + log->pred.down_ms;
  const Millis deadline(std::max(options_.deadline_min_ms, options_.deadline_factor * predicted_call));
  for (const auto& t : send) log->up_raw_bytes += static_cast<int64_t>(t.bytes());
  // Encodes (when the plan says so) and sends; again after a tail reload.
  auto call = [&]() -> Expected<net::InferReply> {
    if (!p.encoded) return client_->infer(p.tail_name, send, deadline, std::to_string(log->frame));
    const auto e0 = Clock::now();
    std::vector<codec::Encoded> enc;
    log->encodings.clear();
    for (size_t i = 0; i < send.size(); ++i) {
      EDGECUT_ASSIGN_OR_RETURN(codec::Encoded e, codec::encode(send[i], p.encodings[i]));
      log->encodings.push_back(p.encodings[i].name());
      enc.push_back(std::move(e));
    }
    log->encode_ms = Millis(Clock::now() - e0).count();
    return client_->infer(p.tail_name, std::move(enc), deadline, std::to_string(log->frame));
  };
  const auto c0 = Clock::now();
  auto reply = call();
  if (!reply && reply.status().code() == Code::kNotFound) {  // the server restarted or evicted the tail
    log->note = "tail reloaded";
    EDGECUT_RETURN_IF_ERROR(load_tail(p));
    reply = call();
  }
  const int64_t up_bytes = reply ? reply->request_bytes : log->up_raw_bytes;
  log->up_bytes = up_bytes;
  if (!reply) {
    if (reply.status().message().find("RESOURCE_EXHAUSTED") != std::string::npos) {
      // Alive but full: its queue holds at least a few service times.
      pending_load_ = kRefusedLoad;
      return error(Code::kFailedPrecondition, "{}", reply.status().message());  // not "down"
    }
    if (reply.status().message().find("DEADLINE_EXCEEDED") != std::string::npos) {
      // The bytes took at least this long: a bound that pulls the estimate down.
      std::lock_guard lock(mu_);
      bw_.add(up_bytes, Millis(Clock::now() - c0).count() / 1e3, now_s());
    }
    return reply.status();
  }
  log->call_ms = reply->round_trip_ms;
  log->compute_ms = reply->compute_ms;
  log->queue_ms = reply->queue_ms;
  log->decode_ms = reply->decode_ms;
  log->down_bytes = reply->response_bytes;
  const double down_ms =
      8e3 * static_cast<double>(reply->response_bytes) / (log->est_bps * options_.control.downlink_ratio);
  log->up_ms = reply->round_trip_ms - server_ms(*reply, *log) - log->rtt_ms - down_ms;
  {
    std::lock_guard lock(mu_);
    bw_.add(up_bytes, log->up_ms / 1e3, now_s());
  }
  *out = std::move(reply->outputs);
  return Status::ok();
}

void EdgeClient::begin_log(FrameLog* log) {
  log->frame = frames_++;
  log->t_s = now_s();
  log->est_bps = estimate_bps();
  {
    std::lock_guard lock(mu_);
    log->rtt_ms = rtt_.estimate_s().value_or(controller_.rtt_ms() / 1e3) * 1e3;
    log->bw_samples = static_cast<int64_t>(bw_.samples());
    log->bw_rejected = static_cast<int64_t>(bw_.rejected());
  }
}

void EdgeClient::log_plan(int plan, const Prepared& p, FrameLog* log) {
  log->plan = plan;
  log->origin = controller_.candidates()[plan].origin;
  log->edge_nodes = static_cast<int>(p.split.edge_nodes.size());
  log->pred_raw = controller_.predict(plan, log->est_bps, false);
  log->pred = controller_.predict(plan, log->est_bps, true);
  log->fe = controller_.edge_factor();
  log->fc = controller_.cloud_factor();
}

Expected<std::vector<exec::Tensor>> EdgeClient::infer(const std::vector<exec::Tensor>& inputs,
                                                      FrameLog* log) {
  // Probes go between frames, on this thread: on a slow edge a probe that
  // competes with the head for the CPU measures the CPU, not the link.
  maybe_probe();
  const auto t0 = Clock::now();
  *log = FrameLog{};
  begin_log(log);
  controller_.set_rtt(log->rtt_ms);
  if (const double load = pending_load_.exchange(-1); load >= 0 && controller_.observe_load(load)) {
    EDGECUT_RETURN_IF_ERROR(prepare_new_plans());
  }
  const bool down = cloud_down_;
  int plan = down ? current_ : controller_.choose(log->est_bps, current_);
  if (plan < 0) plan = controller_.choose(log->est_bps, -1);
  log->switched = plan != current_ && current_ >= 0;
  current_ = plan;
  const Prepared& p = prepared_[plan];
  log_plan(plan, p, log);
  probing_ = p.split.tail < 0;

  std::vector<exec::Tensor> outs;
  if (down) {
    log->fallback = true;
    log->note = "cloud unreachable: edge only";
    EDGECUT_ASSIGN_OR_RETURN(outs, run_whole(inputs));
  } else {
    std::vector<exec::Tensor> pool = inputs;
    if (p.split.head >= 0) {
      const auto h0 = Clock::now();
      std::vector<exec::Tensor> head_out;
      EDGECUT_RETURN_IF_ERROR(executor_->run(p.split.head, pool, &head_out));
      log->head_ms = Millis(Clock::now() - h0).count();
      for (auto& t : head_out) pool.push_back(std::move(t));
    }
    if (p.split.tail >= 0) {
      std::vector<exec::Tensor> tail_out;
      Status st = run_cloud(p, pool, &tail_out, log);
      if (!st.is_ok()) {
        log->fallback = true;
        log->note = st.message();
        if (st.code() == Code::kIo) cloud_down_ = true;
        EDGECUT_ASSIGN_OR_RETURN(outs, run_whole(inputs));
      } else {
        for (auto& t : tail_out) pool.push_back(std::move(t));
      }
    }
    if (!log->fallback) {
      EDGECUT_ASSIGN_OR_RETURN(outs, exec::pick(model_.graph, model_.graph.outputs, pool));
      if (controller_.observe(plan, log->head_ms, log->compute_ms, log->queue_ms)) {
        EDGECUT_RETURN_IF_ERROR(prepare_new_plans());
      }
    }
  }
  // Outputs must not point into buffers the next frame reuses.
  for (auto& t : outs) {
    if (!t.owned()) t = t.clone();
  }
  log->total_ms = Millis(Clock::now() - t0).count();
  return outs;
}

double EdgeClient::probe_once(int64_t bytes) {
  auto payload = exec::Tensor::make("payload", graph::DType::kUInt8, {bytes});
  if (!payload) return 0;
  auto reply = client_->infer(net::kProbeModel, {*payload}, Millis(10000));
  if (!reply) return 0;
  std::lock_guard lock(mu_);
  const double rtt_s = rtt_.estimate_s().value_or(0);
  const double secs = reply->round_trip_ms / 1e3 - rtt_s - (reply->compute_ms + reply->queue_ms) / 1e3;
  return bw_.add(bytes, secs, now_s()) ? static_cast<double>(bytes) * 8 / secs : 0;
}

void EdgeClient::maybe_probe() {
  if (!probing_ || cloud_down_ || !options_.probe || options_.fixed_bps > 0 || !view_->builds) return;
  std::optional<int64_t> bytes;
  {
    std::lock_guard lock(mu_);
    bytes = pacer_.due(now_s(), bw_.estimate_bps().value_or(0));
    // A probe too quick to measure says the link is faster than the
    // estimate: the next one is bigger, until one measures.
    if (bytes) bytes = std::min<int64_t>(*bytes * probe_scale_, 64 << 20);
    if (bytes) pacer_.sent(now_s(), *bytes);
  }
  if (!bytes) return;
  const double before = estimate_bps();
  const double got = probe_once(*bytes);
  probe_scale_ = got > 0 ? 1 : std::min<int64_t>(probe_scale_ * 4, 1024);
  // A probe far from the estimate may be a step of the link: confirm it at
  // once with back-to-back probes, rather than one probe per pacing interval.
  const double ratio = got / before;
  if (got > 0 && (ratio > 1.25 || ratio < 0.8)) {
    for (int i = 0; i < 2; ++i) probe_once(pacer_.probe_bytes(got));
  }
}

void EdgeClient::initial_probes() {
  // The first frames should not plan against a guess: a few probes, each
  // sized from the estimate so far, before the first frame.
  int64_t bytes = pacer_.probe_bytes(estimate_bps()) * 2;
  for (int i = 0; i < 8 && bw_.samples() < 3; ++i) {
    const double got = probe_once(bytes);
    bytes = got > 0 ? pacer_.probe_bytes(got) * 2 : std::min<int64_t>(bytes * 4, 64 << 20);
  }
}

void EdgeClient::background() {
  double next_ping = 0;
  double backoff_s = kMinBackoffS;
  std::mt19937_64 rng(static_cast<uint64_t>(::getpid()) ^ static_cast<uint64_t>(now_s() * 1e6));
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double now = now_s();
    if (now < next_ping) continue;
    auto ms = client_->ping(Millis(1000));
    if (ms && !cloud_down_) {  // a ping that waited for a reconnect is no RTT
      std::lock_guard lock(mu_);
      rtt_.add(*ms / 1e3, now);
    }
    if (ms && cloud_down_) {
      cloud_down_ = !reload_tails();
    } else if (ms && probing_) {
      check_load();
    }
    if (cloud_down_) {
      // Exponential backoff with jitter: many edges that lost one server
      // should not knock on it in step when it comes back.
      std::uniform_real_distribution<double> jitter(0.75, 1.25);
      next_ping = now + backoff_s * jitter(rng);
      backoff_s = std::min(kMaxBackoffS, backoff_s * 2);
    } else {
      next_ping = now + options_.ping_interval_ms / 1e3;
      backoff_s = kMinBackoffS;
    }
  }
}

bool EdgeClient::reload_tails() {
  // Back: tails may be gone if the server restarted; load them again.
  std::vector<Prepared> plans;
  {
    std::lock_guard lock(plans_mu_);
    plans.assign(prepared_.begin(), prepared_.end());
  }
  bool ok = true;
  for (const auto& p : plans) ok = ok && load_tail(p).is_ok();
  return ok;
}

void EdgeClient::check_load() {
  // The plan sends nothing to the cloud, so no reply says how loaded it is:
  // ask with a one-byte probe.
  if (!view_->builds) return;  // a stock server has no probe model and reports no load
  auto payload = exec::Tensor::make("payload", graph::DType::kUInt8, {1});
  if (!payload) return;
  auto reply = client_->infer(net::kProbeModel, {*payload}, Millis(1000));
  if (reply && reply->load >= 0) pending_load_ = reply->load;
}

}  // namespace edgecut::runtime
