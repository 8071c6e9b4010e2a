#include "eval/stream_bench.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "eval/demo.h"
#include "runtime/frame_log.h"
#include "runtime/stream_loop.h"

namespace edgecut::eval {

Expected<std::vector<std::string>> stream_method_args(const std::string& method) {
  if (method == "edge-only" || method == "cloud-only")
    return std::vector<std::string>{"--algo", method, "--mode", "stream"};
  if (method == "neurosurgeon" || method == "dads") {
    return std::vector<std::string>{"--algo", method, "--mode", "latency"};
  }
  if (method == "dads+dsh") return std::vector<std::string>{"--algo", "dsh", "--mode", "stream"};
  if (method == "ours") return std::vector<std::string>{"--algo", "qdmp", "--mode", "stream"};
  return error(Code::kInvalidArgument,
               "unknown method '{}' (edge-only, cloud-only, neurosurgeon, dads, dads+dsh, ours)", method);
}

StreamRun summarise_stream_log(const std::vector<runtime::FrameLog>& log, double from, double to) {
  StreamRun r;
  std::vector<double> t;
  std::vector<std::pair<double, double>> ups;
  double edge = 0, cloud = 0;
  std::map<std::string, int> plans;
  for (const auto& j : log) {
    const double u = j.unix_s;
    if (u < from || u > to) continue;
    t.push_back(u);
    plans[fmt::format("{} edge nodes", j.edge_nodes)]++;
    if (!j.stream) continue;
    r.pipelined = true;
    const runtime::StreamRecord& s = *j.stream;
    edge += s.edge_stage_ms;
    if (!j.fallback && j.up_bytes > 0) {
      cloud += s.cloud_ms;
      ups.emplace_back(s.up_start_s, s.up_start_s + std::max(0.0, s.up_ms) / 1e3);
    }
  }
  r.frames = static_cast<int64_t>(t.size());
  if (t.size() >= 2) r.fps = static_cast<double>(t.size() - 1) / (t.back() - t.front());
  int most = 0;
  for (const auto& [k, n] : plans) {
    r.plan += fmt::format("{}{} x{}", r.plan.empty() ? "" : ", ", k, n);
    if (n > most) most = n, r.main_plan = k;
  }
  if (r.pipelined && r.frames > 0) {
    const double n = static_cast<double>(r.frames);
    r.edge_ms = edge / n;
    r.cloud_ms = cloud / n;
    r.up_ms = runtime::union_length(ups) * 1e3 / n;
    const double slowest = std::max({r.edge_ms, r.up_ms, r.cloud_ms});
    r.bound_fps = slowest > 0 ? 1e3 / slowest : 0;
    r.ratio = r.bound_fps > 0 ? r.fps / r.bound_fps : 0;
  }
  return r;
}

Expected<std::vector<StreamRun>> run_stream_bench(const StreamBenchOptions& o, std::ostream& progress) {
  std::vector<StreamRun> runs;
  for (const auto& model : o.models) {
    for (double mbps : o.mbps) {
      for (const auto& method : o.methods) {
        EDGECUT_ASSIGN_OR_RETURN(std::vector<std::string> args, stream_method_args(method));
        DemoOptions d;
        d.exe = o.exe;
        d.model = model;
        d.source = o.source;
        d.phases = {{o.seconds, mbps}};
        d.edge_fraction = o.edge_fraction;
        d.algo = args[1];
        d.run_args.assign(args.begin() + 2, args.end());
        d.run_args.push_back("--bandwidth");
        d.run_args.push_back(fmt::format("{}bps", mbps * 1e6 * o.goodput));
        d.run_args.push_back("--quiet");
        // Plans fixed after the start-up calibration, for every method alike: on
        // a 0.1-core edge each re-plan stalls the client for seconds.
        d.run_args.push_back("--rebuild-shift");
        d.run_args.push_back("1000");
        d.out_dir =
            fmt::format("{}/{}-{}Mbps-{}", o.out_dir, model.substr(model.find(':') + 1), mbps, method);
        d.quiet = true;
        d.ready_timeout_s = 900;
        progress << fmt::format("bench stream: {} at {} Mbit/s, {} ...\n", model, mbps, method) << std::flush;
        std::ostringstream sink;
        EDGECUT_ASSIGN_OR_RETURN(DemoReport rep, run_demo(d, sink));
        const PhaseReport& ph = rep.phases.at(0);
        const double from = ph.from_unix + 0.2 * (ph.to_unix - ph.from_unix);
        EDGECUT_ASSIGN_OR_RETURN(const std::vector<runtime::FrameLog> log,
                                 runtime::read_frame_log(rep.log_path));
        StreamRun r = summarise_stream_log(log, from, ph.to_unix);
        r.model = model;
        r.method = method;
        r.mbps = mbps;
        r.mode = rep.mode;
        progress << fmt::format("  {:.2f} frames/s{}; plan {}\n", r.fps,
                                r.pipelined
                                    ? fmt::format(" (bound {:.2f}, {:.0f}%)", r.bound_fps, r.ratio * 100)
                                    : std::string(),
                                r.plan)
                 << std::flush;
        runs.push_back(std::move(r));
      }
    }
  }
  return runs;
}

nlohmann::json to_json(const StreamRun& r) {
  return {{"model", r.model},         {"method", r.method},     {"mbps", r.mbps},
          {"pipelined", r.pipelined}, {"frames", r.frames},     {"fps", r.fps},
          {"bound_fps", r.bound_fps}, {"ratio", r.ratio},       {"edge_ms", r.edge_ms},
          {"up_ms", r.up_ms},         {"cloud_ms", r.cloud_ms}, {"plan", r.plan},
          {"main_plan", r.main_plan}, {"testbed", r.mode}};
}

namespace {

const StreamRun* find_run(const std::vector<StreamRun>& runs, const std::string& model, double mbps,
                          const std::string& method) {
  auto it = std::find_if(runs.begin(), runs.end(), [&](const StreamRun& r) {
    return r.model == model && r.mbps == mbps && r.method == method;
  });
  return it == runs.end() ? nullptr : &*it;
}

// The edge-only run's edge stage over the cloud-only run's cloud stage.
double ratio_of(const StreamRun* e, const StreamRun* c) {
  if (e == nullptr || c == nullptr || !e->pipelined || !c->pipelined || c->cloud_ms <= 0) return 0;
  return e->edge_ms / c->cloud_ms;
}

}  // namespace

double edge_cloud_ratio(const std::vector<StreamRun>& runs, const std::string& model, double mbps) {
  return ratio_of(find_run(runs, model, mbps, "edge-only"), find_run(runs, model, mbps, "cloud-only"));
}

std::string describe_speed_ratios(const std::vector<StreamRun>& runs, const StreamBenchOptions& o) {
  std::string s;
  for (const auto& model : o.models) {
    for (double mbps : o.mbps) {
      const StreamRun* e = find_run(runs, model, mbps, "edge-only");
      const StreamRun* c = find_run(runs, model, mbps, "cloud-only");
      const double r = ratio_of(e, c);
      if (r <= 0) continue;
      s += fmt::format(
          "edge:cloud speed ratio, {} at {:g} Mbit/s: {:.1f}x ({:.0f} ms whole model on the edge, "
          "{:.0f} ms in the cloud, measured in the edge-only and cloud-only runs)\n",
          model, mbps, r, e->edge_ms, c->cloud_ms);
    }
  }
  return s;
}

std::string describe_stream_table(const std::vector<StreamRun>& runs, const StreamBenchOptions& o) {
  std::string s = fmt::format(
      "frames/s on the shaped link (edge {} of a core, cloud one core); pipelined runs "
      "show (rate / bound 1/max(stage))\n",
      o.edge_fraction);
  s += fmt::format("{:<14} {:>5}", "model", "Mbps");
  for (const auto& m : o.methods) s += fmt::format(" {:>17}", m);
  s += fmt::format(" {:>9} {:>9}\n", "ours/best", "ours/DADS");
  for (const auto& model : o.models) {
    for (double mbps : o.mbps) {
      s += fmt::format("{:<14} {:>5g}", model, mbps);
      double ours = 0, best_other = 0, dads = 0;
      std::string ours_plan, best_plan;
      for (const auto& m : o.methods) {
        const StreamRun* it = find_run(runs, model, mbps, m);
        if (it == nullptr) {
          s += fmt::format(" {:>17}", "-");
          continue;
        }
        s += it->pipelined ? fmt::format(" {:>8.2f} ({:>3.0f}%) ", it->fps, it->ratio * 100)
                           : fmt::format(" {:>17.2f}", it->fps);
        if (m == "ours") {
          ours = it->fps, ours_plan = it->main_plan;
        } else if (it->fps > best_other) {
          best_other = it->fps, best_plan = it->main_plan;
        }
        if (m == "dads") dads = it->fps;
      }
      s += fmt::format(
          " {:>8.2f}x {:>8.2f}x{}\n", best_other > 0 ? ours / best_other : 0, dads > 0 ? ours / dads : 0,
          !ours_plan.empty() && ours_plan == best_plan ? "  (ours ran the best baseline's plan)" : "");
    }
  }
  s += describe_speed_ratios(runs, o);
  if (!runs.empty()) s += "testbed: " + runs.front().mode + "\n";
  return s;
}

}  // namespace edgecut::eval
