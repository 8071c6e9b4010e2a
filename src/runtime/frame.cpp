#include "runtime/frame.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace edgecut::runtime {

using Clock = std::chrono::steady_clock;
using net::Millis;

namespace {

// The next frame's head reuses the executor's buffers, and a stream frame
// moves to another thread: a frame owns its tensors.
void own_all(std::vector<exec::Tensor>* ts) {
  for (auto& t : *ts) {
    if (!t.owned()) t = t.clone();
  }
}

double ms_since(Clock::time_point t0) { return Millis(Clock::now() - t0).count(); }

}  // namespace

FramePath::FramePath(const graph::Model& model, exec::Executor& executor, exec::SegmentId whole,
                     EdgeSession& session, LinkMonitor& link, net::Client& client, FramePathOptions options)
    : model_(model),
      executor_(executor),
      whole_(whole),
      session_(session),
      link_(link),
      client_(client),
      options_(options) {}

EdgeFrame FramePath::begin(std::vector<exec::Tensor> inputs, int64_t frame_no) {
  EdgeFrame f;
  FrameLog& log = f.log;
  log.frame = frame_no;
  log.t_s = link_.clock_s();
  f.est_bps_ = log.est_bps = link_.estimate_bps();
  const double profile_rtt = session_.with_controller([](Controller& c) { return c.rtt_ms(); });
  f.rtt_ms_ = log.rtt_ms = link_.rtt_ms(profile_rtt);
  log.bw_samples = link_.samples();
  log.bw_rejected = link_.rejected();
  if (auto load = link_.take_load()) session_.observe_load(*load);
  const bool up = link_.up();
  f.decision_ = session_.decide(f.est_bps_, f.rtt_ms_, up);
  const Decision& d = f.decision_;
  log.plan = d.plan;
  log.origin = d.origin;
  log.edge_nodes = d.edge_nodes;
  log.switched = d.switched;
  log.pred_raw = d.pred_raw;
  log.kinds = d.kinds;
  log.pred = d.pred;
  log.fe = d.fe;
  log.fc = d.fc;
  link_.set_idle(!d.sends());
  const double predicted_call = d.pred.up_ms + d.pred.rtt_ms + d.pred.cloud_ms + d.pred.down_ms;
  f.predicted_call_ms_ = predicted_call;
  f.deadline_ms_ = std::max(options_.deadline_min_ms, options_.deadline_factor * predicted_call);
  if (options_.early_finish && d.sends()) {
    const double edge_only_ms =
        session_.with_controller([](Controller& c) { return c.total_edge_ms() * c.edge_factor(); });
    const double early_ms = std::max(options_.early_min_ms, predicted_call + edge_only_ms);
    if (early_ms < f.deadline_ms_) {
      f.deadline_ms_ = early_ms;
      f.early_ = true;
    }
  }
  f.inputs_ = std::move(inputs);
  own_all(&f.inputs_);
  if (!up) {
    log.fallback = true;
    log.note = "cloud unreachable: edge only";
  }
  return f;
}

Status FramePath::head(EdgeFrame* f) {
  if (f->done_) return Status::ok();
  const auto& p = f->decision_.prepared;
  if (!p || f->log.fallback) return finish_local(f);
  f->pool_ = f->inputs_;
  if (p->split.head >= 0) {
    const auto h0 = Clock::now();
    std::vector<exec::Tensor> head_out;
    EDGECUT_RETURN_IF_ERROR(executor_.run(p->split.head, f->pool_, &head_out));
    f->log.head_ms = ms_since(h0);
    for (auto& t : head_out) f->pool_.push_back(std::move(t));
    own_all(&f->pool_);
  }
  if (!p->sends()) return complete(f);
  return Status::ok();
}

Expected<net::InferReply> FramePath::call(EdgeFrame* f, const std::vector<exec::Tensor>& send,
                                          int64_t* bytes_sent) {
  const PreparedPlan& p = *f->decision_.prepared;
  const Millis deadline(f->deadline_ms_);
  const std::string id = std::to_string(f->log.frame);
  if (!p.encoded) {
    *bytes_sent = f->log.up_raw_bytes;
    return client_.infer(p.tail_name, send, deadline, id);
  }
  const auto e0 = Clock::now();
  std::vector<codec::Encoded> enc;
  f->log.encodings.clear();
  *bytes_sent = 0;
  for (size_t i = 0; i < send.size(); ++i) {
    EDGECUT_ASSIGN_OR_RETURN(codec::Encoded e, codec::encode(send[i], p.encodings[i], options_.image_norm));
    f->log.encodings.push_back(p.encodings[i].name());
    *bytes_sent += static_cast<int64_t>(e.payload.size());
    enc.push_back(std::move(e));
  }
  f->log.encode_ms = ms_since(e0);
  return client_.infer(p.tail_name, std::move(enc), deadline, id);
}

void FramePath::on_failure(EdgeFrame* f, const Status& st, int64_t bytes_sent, double elapsed_ms) {
  f->log.fallback = true;
  f->log.note = st.message();
  switch (st.code()) {
    case Code::kResourceExhausted:
      link_.report_refused();  // alive but full: its queue holds at least a few service times
      break;
    case Code::kDeadlineExceeded:
      // The bytes took at least this long: a bound that pulls the estimate down.
      link_.add_timeout(bytes_sent, elapsed_ms);
      if (f->early_) {
        // A slow link, not a dead server: no reconnect, the next frame replans.
        f->log.note = fmt::format("early edge finish: no reply {:.0f} ms into a call predicted at {:.0f} ms",
                                  elapsed_ms, f->predicted_call_ms_);
        break;
      }
      link_.mark_down();
      break;
    case Code::kUnavailable:
    case Code::kCancelled:
      link_.mark_down();
      break;
    default:
      break;
  }
}

Status FramePath::send(EdgeFrame* f) {
  if (f->done_) return Status::ok();
  const PreparedPlan& p = *f->decision_.prepared;
  EDGECUT_ASSIGN_OR_RETURN(std::vector<exec::Tensor> send, exec::pick(model_.graph, p.crossing, f->pool_));
  f->log.up_raw_bytes = 0;
  for (const auto& t : send) f->log.up_raw_bytes += static_cast<int64_t>(t.bytes());
  f->up_start_s_ = link_.clock_s();
  const auto c0 = Clock::now();
  int64_t bytes_sent = 0;
  auto reply = call(f, send, &bytes_sent);
  if (!reply && reply.status().code() == Code::kNotFound) {  // the server restarted or evicted the tail
    f->log.note = "tail reloaded";
    Status loaded = session_.load_tail(p);
    reply = loaded.is_ok() ? call(f, send, &bytes_sent) : Expected<net::InferReply>(loaded);
  }
  f->log.up_bytes = bytes_sent;
  if (!reply) {
    on_failure(f, reply.status(), bytes_sent, ms_since(c0));
    return reply.status();
  }
  FrameLog& log = f->log;
  log.call_ms = reply->round_trip_ms;
  log.compute_ms = reply->compute_ms;
  log.queue_ms = reply->queue_ms;
  log.decode_ms = reply->decode_ms;
  log.down_bytes = reply->response_bytes;
  double server_ms = reply->compute_ms + reply->queue_ms + reply->decode_ms;
  if (!reply->server_timed) {
    // A stock v2 server says nothing of its time: take the prediction.
    server_ms = log.pred.cloud_ms;
    if (log.note.empty()) log.note = "server sent no timing: upload time uses the predicted cloud time";
  }
  log.up_ms = link_.add_reply(bytes_sent, reply->round_trip_ms, server_ms, reply->response_bytes, f->rtt_ms_,
                              f->est_bps_);
  for (auto& t : reply->outputs) f->pool_.push_back(std::move(t));
  return complete(f);
}

Status FramePath::complete(EdgeFrame* f) {
  EDGECUT_ASSIGN_OR_RETURN(f->outputs, exec::pick(model_.graph, model_.graph.outputs, f->pool_));
  own_all(&f->outputs);
  f->pool_.clear();
  f->done_ = true;
  if (f->decision_.plan >= 0 && !f->log.fallback)
    session_.observe(f->decision_.plan, f->log.head_ms, f->log.compute_ms, f->log.queue_ms);
  return Status::ok();
}

Status FramePath::finish_local(EdgeFrame* f) {
  const auto t0 = Clock::now();
  std::vector<exec::Tensor> outs;
  EDGECUT_RETURN_IF_ERROR(executor_.run(whole_, f->inputs_, &outs));
  EDGECUT_ASSIGN_OR_RETURN(f->outputs, exec::pick(model_.graph, model_.graph.outputs, outs));
  own_all(&f->outputs);
  // The edge was busy for the whole model: the stage time a pipeline sees.
  f->log.head_ms += ms_since(t0);
  f->pool_.clear();
  f->done_ = true;
  return Status::ok();
}

Expected<EdgeFrame> FramePath::run(std::vector<exec::Tensor> inputs, int64_t frame_no) {
  // Between frames, outside the frame's latency (a probe is not the frame's work).
  link_.maybe_probe();
  const auto t0 = Clock::now();
  EdgeFrame f = begin(std::move(inputs), frame_no);
  EDGECUT_RETURN_IF_ERROR(head(&f));
  if (!f.done()) {
    if (!send(&f).is_ok()) EDGECUT_RETURN_IF_ERROR(finish_local(&f));
  }
  f.log.total_ms = ms_since(t0);
  return f;
}

}  // namespace edgecut::runtime
