#include "runtime/stream_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "runtime/output_summary.h"

namespace edgecut::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Item {
  int64_t seq = 0;
  EdgeFrame s;
  double t_start = 0, t_done = 0;  // seconds since the loop started
  double edge_ms = 0;              // the edge thread's time on this frame (decode .. head)
  int send_queue = 0, in_flight = 0, window = 0;
};

// Everything the three kinds of threads share, under one mutex.
struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> send;         // waiting for a sender
  std::deque<Item> back;         // failed calls: the edge thread finishes them
  std::map<int64_t, Item> done;  // complete, waiting for their turn
  int in_flight = 0;
  int64_t started = 0, emitted = 0;
  bool closing = false;

  // A finished frame waits for its turn to be written. Caller holds mu.
  void complete(Item it, double now_s) {
    it.t_done = now_s;
    it.s.log.total_ms = (it.t_done - it.t_start) * 1e3;
    done.emplace(it.seq, std::move(it));
  }
};

// Writes frames in order; the summary adds up the stage times.
struct Collector {
  const RunOptions& options;
  std::ostream& out;
  LogWriter* writer;
  SummaryBuilder summary = {};
  double edge_busy_s = 0, cloud_busy_s = 0, last_done = 0;

  void emit(Item& it, size_t reorder) {
    FrameLog& log = it.s.log;
    edge_busy_s += it.edge_ms / 1e3;
    if (!log.fallback && log.up_bytes > 0) cloud_busy_s += log.compute_ms / 1e3;
    log.stream = StreamRecord{it.seq,
                              it.t_start,
                              it.t_done,
                              it.edge_ms,
                              log.up_ms,
                              log.compute_ms,
                              it.s.up_start_s(),
                              edge_busy_s,
                              cloud_busy_s,
                              it.send_queue,
                              it.in_flight,
                              it.window,
                              static_cast<int64_t>(reorder)};
    summary.add(log);
    last_done = std::max(last_done, it.t_done);
    writer->write(log, it.s.outputs);
    if (options.print_frames) {
      std::string line = fmt::format(
          "frame {:4d} {:<16} edge {:3d} nodes, up {:8.1f} KB, edge {:6.1f} ms, up {:6.1f} ms, cloud {:6.1f} "
          "ms, latency {:7.1f} ms, in flight {}, queued {}",
          it.seq, log.origin, log.edge_nodes, log.up_bytes / 1e3, it.edge_ms, log.up_ms, log.compute_ms,
          log.total_ms, it.in_flight, it.send_queue);
      if (log.switched) line += " SWITCH";
      if (log.fallback) line += fmt::format(" FALLBACK ({})", log.note);
      if (!it.s.outputs.empty()) line += " | " + summarise_output(it.s.outputs[0]).line;
      out << line << "\n" << std::flush;
    }
  }
};

void sender(EdgeClient& client, Shared& sh, Clock::time_point t0) {
  while (true) {
    std::unique_lock lock(sh.mu);
    sh.cv.wait(lock, [&] { return !sh.send.empty() || sh.closing; });
    if (sh.send.empty()) return;
    Item it = std::move(sh.send.front());
    sh.send.pop_front();
    ++sh.in_flight;
    lock.unlock();
    const Status st = client.finish_cloud(&it.s);
    lock.lock();
    --sh.in_flight;
    if (st.is_ok()) {
      sh.complete(std::move(it), since(t0));
    } else {
      sh.back.push_back(std::move(it));
    }
    sh.cv.notify_all();
  }
}

}  // namespace

namespace {

// The edge thread's side of the pipeline.
struct EdgeStage {
  EdgeClient& client;
  Shared& sh;
  Clock::time_point t0;
  int window;

  // Finishes, on the edge, every frame whose cloud call failed. Caller holds `lock`.
  Status drain_back(std::unique_lock<std::mutex>& lock) {
    while (!sh.back.empty()) {
      Item it = std::move(sh.back.front());
      sh.back.pop_front();
      lock.unlock();
      const double e0 = since(t0);
      Status st = client.finish_edge(&it.s);
      it.edge_ms += (since(t0) - e0) * 1e3;
      lock.lock();
      EDGECUT_RETURN_IF_ERROR(st);
      sh.complete(std::move(it), since(t0));
      sh.cv.notify_all();
    }
    return Status::ok();
  }

  // Waits until the pipeline has room (or, with `all`, until it is empty),
  // finishing handed-back frames meanwhile.
  Status wait_room(bool all) {
    std::unique_lock lock(sh.mu);
    while (true) {
      EDGECUT_RETURN_IF_ERROR(drain_back(lock));
      const int64_t open = sh.started - sh.emitted;
      if (all ? open == 0 : open < window) return Status::ok();
      sh.cv.wait(lock, [&] { return !sh.back.empty() || sh.started - sh.emitted < (all ? 1 : window); });
    }
  }

  Status start(const exec::Tensor& x, double t_start, double edge_before_ms) {
    Item it;
    it.t_start = t_start;
    const double e0 = since(t0);
    EDGECUT_ASSIGN_OR_RETURN(it.s, client.start_frame({x}));
    it.edge_ms = edge_before_ms + (since(t0) - e0) * 1e3;
    std::lock_guard lock(sh.mu);
    it.seq = sh.started++;
    it.send_queue = static_cast<int>(sh.send.size());
    it.in_flight = sh.in_flight;
    it.window = static_cast<int>(sh.started - sh.emitted);
    if (it.s.done()) {
      sh.complete(std::move(it), since(t0));
    } else {
      sh.send.push_back(std::move(it));
    }
    sh.cv.notify_all();
    return Status::ok();
  }
};

void collect(Shared& sh, Collector& c, const bool& stop) {
  while (true) {
    std::unique_lock lock(sh.mu);
    sh.cv.wait(lock, [&] { return sh.done.count(sh.emitted) > 0 || (stop && sh.started == sh.emitted); });
    auto found = sh.done.find(sh.emitted);
    if (found == sh.done.end()) return;
    Item it = std::move(found->second);
    sh.done.erase(found);
    const size_t reorder = sh.done.size();
    lock.unlock();
    c.emit(it, reorder);
    lock.lock();
    ++sh.emitted;
    sh.cv.notify_all();
  }
}

}  // namespace

Expected<RunSummary> run_stream(FrameSource& source, EdgeClient& client, const graph::Graph& g,
                                const RunOptions& options, const StreamOptions& stream, std::ostream& out) {
  if (g.inputs.size() != 1) {
    return error(Code::kUnsupported, "model '{}' has {} inputs; `run` feeds one image input", g.name,
                 g.inputs.size());
  }
  if (stream.in_flight < 1 || stream.in_flight > 64 || stream.queue < 1 || stream.queue > 64) {
    return error(Code::kInvalidArgument, "--in-flight and --queue must be in [1, 64]");
  }
  LogWriter writer;
  EDGECUT_RETURN_IF_ERROR(writer.open(options.log_path));
  const graph::Value& input = g.values[g.inputs[0]];
  const auto t0 = Clock::now();
  Shared sh;
  Collector col{options, out, &writer};
  bool stop = false;  // read by the collector under sh.mu
  std::vector<std::thread> senders;
  for (int i = 0; i < stream.in_flight; ++i) senders.emplace_back(sender, std::ref(client), std::ref(sh), t0);
  std::thread collector(collect, std::ref(sh), std::ref(col), std::cref(stop));
  EdgeStage edge{client, sh, t0, stream.queue + stream.in_flight + 1};
  Status st = Status::ok();
  int64_t index = 0;
  while (st.is_ok()) {
    st = edge.wait_room(false);
    if (!st.is_ok()) break;
    const double r0 = since(t0);
    auto frame = source.next();
    if (!frame) {
      st = frame.status();
      break;
    }
    if (!*frame) break;
    const double decode_ms = (since(t0) - r0) * 1e3;
    if (options.fps > 0) {
      const double due = static_cast<double>(index++) / options.fps;
      if (source.live() && since(t0) > due + 1.0 / options.fps) {
        std::lock_guard lock(sh.mu);
        col.summary.count_dropped();
        continue;
      }
      if (since(t0) < due) std::this_thread::sleep_for(std::chrono::duration<double>(due - since(t0)));
    }
    const double p0 = since(t0);
    auto x = preprocess((*frame)->bgr, input, options.preprocess);
    if (!x) {
      st = x.status();
      break;
    }
    st = edge.start(*x, r0, decode_ms + (since(t0) - p0) * 1e3);
  }
  Status drained = edge.wait_room(true);
  if (st.is_ok()) st = drained;
  {
    std::lock_guard lock(sh.mu);
    sh.closing = true;
    stop = true;
    sh.cv.notify_all();
  }
  for (auto& t : senders) t.join();
  collector.join();
  EDGECUT_RETURN_IF_ERROR(st);
  return col.summary.finish(col.last_done, source.skipped(), true, stream.queue + stream.in_flight + 1);
}

}  // namespace edgecut::runtime
