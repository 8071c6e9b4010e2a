// EdgeClient's streaming half (see edge_client.h, "Streaming"): the frame's
// edge stage and its cloud stage as separate calls, so that a pipeline can
// overlap them across frames.
#include "runtime/edge_client.h"

namespace edgecut::runtime {

using Clock = std::chrono::steady_clock;
using net::Millis;

namespace {

// The next frame's head reuses the executor's buffers: a frame handed to
// another thread must own its tensors.
void own_all(std::vector<exec::Tensor>* ts) {
  for (auto& t : *ts) {
    if (!t.owned()) t = t.clone();
  }
}

}  // namespace

Expected<EdgeClient::Staged> EdgeClient::start_frame(std::vector<exec::Tensor> inputs) {
  maybe_probe();
  Staged s;
  FrameLog* log = &s.log;
  begin_log(log);
  const bool down = cloud_down_;
  Prepared p;
  {
    std::lock_guard lock(stream_mu_);
    // A cloud thread's observe() may have rebuilt the candidates since the
    // last frame: prepare the new ones before choose() can return them.
    need_prepare_ = false;
    EDGECUT_RETURN_IF_ERROR(prepare_new_plans());
    controller_.set_rtt(log->rtt_ms);
    int plan = down ? current_ : controller_.choose(log->est_bps, current_);
    if (plan < 0) plan = controller_.choose(log->est_bps, -1);
    log->switched = plan != current_ && current_ >= 0;
    current_ = plan;
    {
      std::lock_guard plock(plans_mu_);
      p = prepared_[plan];
    }
    log_plan(plan, p, log);
  }
  probing_ = p.split.tail < 0;
  s.inputs = std::move(inputs);
  own_all(&s.inputs);
  if (down) {
    log->fallback = true;
    log->note = "cloud unreachable: edge only";
    EDGECUT_RETURN_IF_ERROR(finish_edge(&s));
    return s;
  }
  s.pool = s.inputs;
  if (p.split.head >= 0) {
    const auto h0 = Clock::now();
    std::vector<exec::Tensor> head_out;
    EDGECUT_RETURN_IF_ERROR(executor_->run(p.split.head, s.pool, &head_out));
    log->head_ms = Millis(Clock::now() - h0).count();
    for (auto& t : head_out) s.pool.push_back(std::move(t));
  }
  own_all(&s.pool);
  if (p.split.tail < 0) {
    EDGECUT_ASSIGN_OR_RETURN(s.outputs, exec::pick(model_.graph, model_.graph.outputs, s.pool));
    own_all(&s.outputs);
    s.pool.clear();
    s.done = true;
  }
  return s;
}

Status EdgeClient::finish_cloud(Staged* s) {
  Prepared p;
  {
    std::lock_guard plock(plans_mu_);
    p = prepared_[s->log.plan];
  }
  s->up_start_s = now_s();
  std::vector<exec::Tensor> tail_out;
  Status st = run_cloud(p, s->pool, &tail_out, &s->log);
  if (!st.is_ok()) {
    s->log.fallback = true;
    s->log.note = st.message();
    if (st.code() == Code::kIo) cloud_down_ = true;
    return st;
  }
  for (auto& t : tail_out) s->pool.push_back(std::move(t));
  EDGECUT_ASSIGN_OR_RETURN(s->outputs, exec::pick(model_.graph, model_.graph.outputs, s->pool));
  own_all(&s->outputs);
  s->pool.clear();
  s->done = true;
  std::lock_guard lock(stream_mu_);
  if (controller_.observe(s->log.plan, s->log.head_ms, s->log.compute_ms)) need_prepare_ = true;
  return Status::ok();
}

Status EdgeClient::finish_edge(Staged* s) {
  const auto t0 = Clock::now();
  EDGECUT_ASSIGN_OR_RETURN(s->outputs, run_whole(s->inputs));
  own_all(&s->outputs);
  // The edge was busy for the whole model: the stage time the pipeline sees.
  s->log.head_ms += Millis(Clock::now() - t0).count();
  s->pool.clear();
  s->done = true;
  return Status::ok();
}

}  // namespace edgecut::runtime
