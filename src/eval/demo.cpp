#include "eval/demo.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "common/cpu_limit.h"
#include "common/subprocess.h"
#include "eval/demo_report.h"
#include "eval/serve_process.h"
#include "eval/timeline_svg.h"
#include "lab/paced_relay.h"
#include "lab/testbed.h"
#include "lab/trace_replay.h"
#include "profile/stats.h"
#include "runtime/frame_log.h"
#include "runtime/frame_report.h"

namespace edgecut::eval {

namespace {

using namespace std::chrono_literals;
constexpr const char* kVtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
constexpr int kPort = 8001;  // inside our own namespace: nothing else listens there

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

Status write_svg(const DemoOptions& o, const std::vector<runtime::FrameLog>& log, double t0,
                 const std::vector<RateStep>& steps, const std::string& path) {
  std::vector<TimelineFrame> frames;
  for (const auto& j : log) {
    TimelineFrame f;
    f.t_s = j.unix_s - t0;
    if (f.t_s < 0) continue;
    f.est_mbps = j.est_bps / 1e6;
    f.latency_ms = j.total_ms;
    f.predicted_ms = j.pred.total_ms;
    f.switched = j.switched;
    f.fallback = j.fallback;
    f.plan = fmt::format("{} edge nodes", j.edge_nodes);
    frames.push_back(std::move(f));
  }
  return write_timeline_svg(
      path, fmt::format("edgecut demo: {} ({}), edge {} of a core", o.model, o.algo, o.edge_fraction), frames,
      steps);
}

// The link between the two processes: network namespaces shaped by tbf
// (root), or loopback through a pacing relay (anyone). set_rate() moves it.
struct Link {
  std::optional<Testbed> tb;
  std::unique_ptr<PacedRelay> relay;
  // The edge's CPU quota, made here in the root namespace: `ip netns exec`
  // remounts /sys, so a process inside the namespace cannot put itself under
  // a quota (common/cpu_limit.h would fall back to scaling times).
  std::optional<CpuQuotaGroup> edge_cpu;
  std::string mode;

  Status set_rate(double mbps) { return set_bps(mbps * 1e6, mbps * 1e6); }
  Status set_bps(double up, double down) {
    if (tb) return tb->set_rate(up, down);
    relay->set_rate(up, down);
    return Status::ok();
  }
  std::vector<std::string> prefix(Side side) const {
    return tb ? tb->exec_prefix(side) : std::vector<std::string>{};
  }
  // Port 0 (read back from its log) for edgecut serve on loopback; a stock
  // server's port must be known before it starts.
  std::string listen(bool stock) const {
    return tb      ? fmt::format("{}:{}", tb->cloud_address(), kPort)
           : stock ? fmt::format("127.0.0.1:{}", kPort)
                   : "127.0.0.1:0";
  }
};

Expected<Link> make_link(const DemoOptions& o) {
  Link l;
  const double bps = o.phases[0].mbps * 1e6;
  if (Testbed::available().is_ok()) {
    TestbedOptions to;
    to.uplink_bps = to.downlink_bps = bps;
    EDGECUT_ASSIGN_OR_RETURN(Testbed tb, Testbed::create(to));
    l.tb.emplace(std::move(tb));
    EDGECUT_ASSIGN_OR_RETURN(CpuQuotaGroup cg,
                             CpuQuotaGroup::make(fmt::format("edgecut-demo-{}", getpid()), o.edge_fraction));
    l.edge_cpu.emplace(std::move(cg));
    l.mode = fmt::format(
        "network namespaces {} / {} joined by veth, shaped by tbf; edge on core 0 under a CPU "
        "quota of {} (cgroup v1), cloud on core 1",
        l.tb->netns(Side::kEdge), l.tb->netns(Side::kCloud), o.edge_fraction);
  } else {
    l.mode = fmt::format(
        "loopback, the edge's uplink paced by a token bucket (not root: {}); the edge runs at "
        "full speed",
        Testbed::available().message());
  }
  return l;
}

// --- trace replay (issue 21) ---
// One phase per window of the uplink trace, at the trace's mean rate there.
std::vector<RatePhase> trace_windows(const RateTrace& t, double window_s) {
  std::vector<RatePhase> out;
  for (double from = 0; from < t.duration_s() - 1e-9; from += window_s) {
    const double to = std::min(t.duration_s(), from + window_s);
    out.push_back({to - from, t.mean_bps(from, to) / 1e6});
  }
  return out;
}

// With a trace, its windows become the phases.
Status trace_phases(DemoOptions& o) {
  if (!o.uplink_trace) return Status::ok();
  if (o.downlink_trace && o.downlink_trace->step_s != o.uplink_trace->step_s) {
    return error(Code::kInvalidArgument, "the uplink and downlink traces need the same step");
  }
  o.phases = trace_windows(*o.uplink_trace, o.trace_window_s);
  return Status::ok();
}

// nullptr without a trace.
Expected<std::unique_ptr<TraceReplayer>> start_replay(const DemoOptions& o, Link& link, std::ostream& out) {
  if (!o.uplink_trace) return std::unique_ptr<TraceReplayer>();
  out << fmt::format("demo: replaying {} ({:.0f} s) on the link\n", o.uplink_trace->name,
                     o.uplink_trace->duration_s())
      << std::flush;
  const RateTrace& up = *o.uplink_trace;
  const RateTrace* down = o.downlink_trace ? &*o.downlink_trace : &up;
  if (link.tb) EDGECUT_RETURN_IF_ERROR(link.tb->use_mtu_packets());
  auto steps = plan_steps(up, down, 0);
  Link* l = &link;
  return TraceReplayer::start(std::move(steps), std::max(up.duration_s(), down->duration_s()),
                              [l](double u, double d) { return l->set_bps(u, d); });
}

std::vector<RateStep> trace_steps(const RateTrace& t, double offset_s) {
  std::vector<RateStep> out;
  for (size_t k = 0; k < t.bps.size(); ++k) {
    if (k == 0 || t.bps[k] != t.bps[k - 1]) out.push_back({offset_s + t.step_s * k, t.bps[k] / 1e6});
  }
  return out;
}
// --- end trace replay ---

// The cloud: `edgecut serve` (waited for until it listens) or the user's
// stock server command (the edge joins once it answers); `addr` is where the
// edge calls it, through the pacing relay without namespaces.
Expected<Subprocess> start_cloud(const DemoOptions& o, Link& link, std::string* addr) {
  const bool stock = !o.cloud_command.empty();
  std::vector<std::string> serve = link.prefix(Side::kCloud);
  if (stock) {
    serve.insert(serve.end(),
                 {"/bin/sh", "-c", "exec " + replace_all(o.cloud_command, "{listen}", link.listen(true))});
  } else {
    serve.insert(serve.end(), {o.exe, "serve", o.model, "--listen", link.listen(false), "--emulate-cloud",
                               "--cloud-cpu", "1", "--insecure"});
  }
  SpawnOptions so;
  so.stdout_path = so.stderr_path = o.out_dir + "/server.log";
  EDGECUT_ASSIGN_OR_RETURN(Subprocess server, Subprocess::spawn(serve, so));
  *addr = link.listen(true);
  if (!stock) {
    EDGECUT_RETURN_IF_ERROR(wait_for_text(so.stdout_path, "listening on", server, 120, "the server"));
    *addr = listened_address(so.stdout_path);
  }
  if (!link.tb) {
    const int port = std::stoi(addr->substr(addr->rfind(':') + 1));
    EDGECUT_ASSIGN_OR_RETURN(link.relay,
                             PacedRelay::start(port, o.phases[0].mbps * 1e6, o.phases[0].mbps * 1e6));
    *addr = fmt::format("127.0.0.1:{}", link.relay->port());
  }
  return server;
}

}  // namespace

Expected<DemoReport> run_demo(const DemoOptions& options, std::ostream& out) {
  DemoOptions o = options;
  EDGECUT_RETURN_IF_ERROR(trace_phases(o));
  if (o.phases.empty()) return error(Code::kInvalidArgument, "the demo needs at least one bandwidth phase");
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return error(Code::kIo, "{}: cannot create: {}", o.out_dir, ec.message());
  const std::string source = !o.source.empty()                 ? o.source
                             : std::filesystem::exists(kVtest) ? kVtest
                                                               : "synthetic";
  EDGECUT_ASSIGN_OR_RETURN(Link link, make_link(o));
  DemoReport r;
  r.mode = link.mode;
  r.edge_fraction = o.edge_fraction;
  r.edge_speed = o.edge_speed;
  r.trace = o.uplink_trace ? o.uplink_trace->name : "";
  r.log_path = o.out_dir + "/frames.jsonl";
  r.svg_path = o.out_dir + "/timeline.svg";
  std::filesystem::remove(r.log_path, ec);
  std::string addr;
  EDGECUT_ASSIGN_OR_RETURN(Subprocess server, start_cloud(o, link, &addr));
  out << fmt::format("demo: {}, {} Mbit/s at first\ndemo: {}\n", o.model, o.phases[0].mbps, link.mode)
      << std::flush;
  std::vector<std::string> run = link.prefix(Side::kEdge);
  run.insert(run.end(), {o.exe, "run", o.model, "--cloud", addr, "--source", source, "--loop", "--log",
                         r.log_path, "--algo", o.algo});
  run.insert(run.end(), o.run_args.begin(), o.run_args.end());
  SpawnOptions co;
  co.stderr_path = o.out_dir + "/client.err";
  if (o.quiet) co.stdout_path = o.out_dir + "/client.log";
  EDGECUT_ASSIGN_OR_RETURN(Subprocess client,
                           Subprocess::spawn(link.edge_cpu ? link.edge_cpu->wrap(0, run) : run, co));
  EDGECUT_RETURN_IF_ERROR(wait_for_text(r.log_path, "frame", client, o.ready_timeout_s, "the edge client"));
  std::vector<RateStep> steps;
  std::vector<double> starts;
  const double t0 = unix_now();
  EDGECUT_ASSIGN_OR_RETURN(std::unique_ptr<TraceReplayer> replay, start_replay(o, link, out));
  for (size_t i = 0; i < o.phases.size(); ++i) {
    if (i > 0 && !replay) {
      EDGECUT_RETURN_IF_ERROR(link.set_rate(o.phases[i].mbps));
      out << fmt::format("demo: link now {} Mbit/s\n", o.phases[i].mbps) << std::flush;
    }
    starts.push_back(unix_now());
    steps.push_back({starts.back() - t0, o.phases[i].mbps});
    std::this_thread::sleep_for(std::chrono::duration<double>(o.phases[i].seconds));
    if (auto st = client.wait_for(0ms)) {
      return error(Code::kInternal, "the edge client exited early ({}); see {}", st->describe(),
                   co.stderr_path);
    }
    if (auto st = server.wait_for(0ms)) {
      return error(Code::kInternal, "the cloud server exited early ({}); see {}/server.log", st->describe(),
                   o.out_dir);
    }
  }
  const double t_end = unix_now();
  if (replay) {
    r.trace_changes = replay->changes();
    EDGECUT_RETURN_IF_ERROR(replay->stop());
    steps = trace_steps(*o.uplink_trace, starts[0] - t0);
  }
  client.terminate();
  server.terminate();
  EDGECUT_ASSIGN_OR_RETURN(const std::vector<runtime::FrameLog> log, runtime::read_frame_log(r.log_path));
  for (size_t i = 0; i < o.phases.size(); ++i) {
    const double to_t = i + 1 < starts.size() ? starts[i + 1] : t_end;
    r.phases.push_back(summarise_phase(log, starts[i], to_t, o.phases[i].mbps));
    r.phases.back().from_unix = starts[i];
    r.phases.back().to_unix = to_t;
  }
  EDGECUT_RETURN_IF_ERROR(write_svg(o, log, t0, steps, r.svg_path));
  return r;
}

}  // namespace edgecut::eval
