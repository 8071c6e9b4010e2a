#include "runtime/edge_session.h"

#include <fmt/format.h>

#include <cmath>

#include "graph/segment.h"
#include "net/tail_name.h"

namespace edgecut::runtime {

using net::Millis;

EdgeSession::EdgeSession(const graph::Model& model, exec::Executor& executor, net::Client& client,
                         Controller controller, std::string model_name, bool throughput)
    : model_(model),
      executor_(executor),
      client_(client),
      model_name_(std::move(model_name)),
      throughput_(throughput),
      controller_(std::move(controller)) {
  worker_ = std::thread([this] { worker(); });
}

EdgeSession::~EdgeSession() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void EdgeSession::set_view(std::shared_ptr<const ServerView> view) {
  std::lock_guard lock(mu_);
  view_ = std::move(view);
}

Status EdgeSession::load_tail(const PreparedPlan& p) {
  if (p.split.tail < 0 || p.split.edge_nodes.empty()) return Status::ok();  // edge-only / whole model
  std::shared_ptr<const ServerView> view;
  {
    std::lock_guard lock(mu_);
    view = view_;
  }
  // A server that builds tails gets the edge set every time: its load is
  // idempotent and survives eviction and restarts, which a snapshot of its
  // index taken at start does not see. Others give what they hold.
  const TailSource src = !view || view->builds ? TailSource::kBuild : view->source(p.tail_name);
  if (src == TailSource::kReady || src == TailSource::kLoad) {
    if (src == TailSource::kLoad) EDGECUT_RETURN_IF_ERROR(client_.load(p.tail_name, {}, Millis(60000)));
    // Held by the server, not built for this plan here: its tensors must be the plan's.
    return check_tail_inputs(client_, p.tail_name, model_.graph, p.crossing, Millis(10000));
  }
  return client_.load(p.tail_name,
                      {{net::kEdgeNodesParam, net::format_node_ranges(p.split.edge_nodes)},
                       {net::kModelHashParam, model_.graph.structure_hash()}},
                      Millis(60000));
}

Expected<PreparedPlan> EdgeSession::prepare(const Candidate& c) {
  PreparedPlan p;
  EDGECUT_ASSIGN_OR_RETURN(p.split, exec::prepare_split(executor_, model_.graph, c.edge_nodes));
  if (p.split.tail < 0) return p;
  p.tail_name = c.edge_nodes.empty() ? model_name_ : net::tail_model_name(model_name_, p.split.edge_nodes);
  p.crossing = executor_.info(p.split.tail).inputs;
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
  return p;
}

Status EdgeSession::prepare_all() {
  std::lock_guard prep(prep_mu_);
  while (true) {
    Candidate c;
    size_t index = 0;
    {
      std::lock_guard lock(mu_);
      const auto& cands = controller_.candidates();
      prepared_.resize(cands.size());
      while (index < cands.size() && prepared_[index]) ++index;
      if (index == cands.size()) return Status::ok();
      c = cands[index];
    }
    // Outside the lock: frames go on choosing among the plans already ready.
    EDGECUT_ASSIGN_OR_RETURN(PreparedPlan p, prepare(c));
    std::lock_guard lock(mu_);
    prepared_[index] = std::make_shared<const PreparedPlan>(std::move(p));
  }
}

void EdgeSession::request_prepare() {
  want_prepare_ = true;
  cv_.notify_all();
}

void EdgeSession::worker() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || want_prepare_; });
    if (stop_) return;
    want_prepare_ = false;
    lock.unlock();
    const Status st = prepare_all();
    lock.lock();
    // A plan that cannot be prepared stays unchoosable; the frames go on with
    // the others, and the log says why.
    prepare_error_ = st.is_ok() ? "" : st.message();
  }
}

bool EdgeSession::reload_tails() {
  std::vector<std::shared_ptr<const PreparedPlan>> plans;
  {
    std::lock_guard lock(mu_);
    plans = prepared_;
  }
  for (const auto& p : plans) {
    if (p && !load_tail(*p).is_ok()) return false;
  }
  return true;
}

size_t EdgeSession::prepared_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& p : prepared_) n += p != nullptr;
  return n;
}

Decision EdgeSession::decide(double bps, double rtt_ms, bool cloud_up) {
  std::lock_guard lock(mu_);
  controller_.set_rtt(rtt_ms);
  Decision d;
  int plan = -1;
  if (cloud_up) {
    const auto ready = [&](int i) { return static_cast<size_t>(i) < prepared_.size() && prepared_[i]; };
    const int wanted = controller_.choose(bps, current_);
    if (!ready(wanted)) {
      // Not prepared yet: the best prepared plan meanwhile.
      request_prepare();
      plan = controller_.choose(bps, current_, ready);
    } else {
      plan = wanted;
    }
  }
  if (plan < 0) {
    // The whole model here: the edge-only candidate when there is one.
    plan = controller_.find(graph::all_nodes(model_.graph));
    if (plan >= 0 && (static_cast<size_t>(plan) >= prepared_.size() || !prepared_[plan])) plan = -1;
  }
  d.plan = plan;
  d.switched = plan != current_ && current_ >= 0;
  if (plan >= 0) current_ = plan;
  if (plan >= 0) {
    d.prepared = prepared_[plan];
    d.origin = controller_.candidates()[plan].origin;
    d.pred_raw = controller_.predict(plan, bps, false);
    d.pred = controller_.predict(plan, bps, true);
  } else {
    d.origin = "edge-only";
    d.pred.edge_ms = d.pred.total_ms = controller_.total_edge_ms() * controller_.edge_factor();
    d.pred_raw.edge_ms = d.pred_raw.total_ms = controller_.total_edge_ms();
  }
  d.edge_nodes = d.prepared ? static_cast<int>(d.prepared->split.edge_nodes.size())
                            : static_cast<int>(model_.graph.nodes.size());
  d.fe = controller_.edge_factor();
  d.fc = controller_.cloud_factor();
  d.kinds = controller_.kinds(bps);
  return d;
}

void EdgeSession::observe(int plan, double head_ms, double tail_ms, double queue_ms) {
  std::lock_guard lock(mu_);
  if (controller_.observe(plan, head_ms, tail_ms, queue_ms)) request_prepare();
}

void EdgeSession::observe_load(double load) {
  std::lock_guard lock(mu_);
  if (controller_.observe_load(load)) request_prepare();
}

}  // namespace edgecut::runtime
