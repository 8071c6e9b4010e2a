// edgecut plan MODEL [--edge-profile E --cloud-profile C] --bandwidth 10Mbps [--rtt 20ms]
//                    [--algo NAME|all] [--json] [--sweep LO:HI [--points N] [--svg FILE]]
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/costs_arg.h"
#include "cli/encodings_arg.h"
#include "cli/model_arg.h"
#include "cli/svg.h"
#include "common/strings.h"
#include "common/units.h"
#include "partition/algorithms.h"
#include "partition/envelope.h"
#include "partition/plan_io.h"

namespace edgecut::cli {
namespace {

using partition::ms_from_ns;

struct PlanArgs {
  std::string model;
  CostArgs costs;
  EncodingArgs encodings;
  std::string bandwidth = "10Mbps";
  std::string downlink;
  std::string rtt = "20ms";
  std::string algo = "qdmp";
  bool json = false;
  std::string sweep;
  int points = 20;
  std::string svg;
  std::string out;
  bool envelope = false;
  std::string objective = "latency";
  partition::Objective obj() const {
    return objective == "throughput" ? partition::Objective::kThroughput : partition::Objective::kLatency;
  }
};

// The figure a plan is judged by: latency (ms) or, for throughput, frames/s.
double figure(const partition::Plan& p) {
  if (p.objective == partition::Objective::kLatency) return ms_from_ns(p.predicted.total_ns);
  const int64_t b = partition::bottleneck_ns(p.predicted);
  return b > 0 ? 1e9 / static_cast<double>(b) : 0.0;
}

std::string short_list(const graph::Graph& g, const std::vector<graph::ValueId>& xs) {
  std::string s;
  for (size_t i = 0; i < xs.size() && i < 3; ++i) s += (i ? ", " : "") + g.values[xs[i]].name;
  if (xs.size() > 3) s += fmt::format(" (+{})", xs.size() - 3);
  return s.empty() ? "-" : s;
}

// "x1 (int8+zstd), x2 (fp16)": cut tensors with their encodings when any is not fp32.
std::string cut_list(const graph::Graph& g, const partition::Plan& p) {
  bool encoded = false;
  for (const auto& e : p.cut_encodings) encoded |= e != "fp32";
  if (!encoded) return short_list(g, p.cut_values);
  std::string s;
  for (size_t i = 0; i < p.cut_values.size() && i < 3; ++i) {
    s += fmt::format("{}{} ({})", i ? ", " : "", g.values[p.cut_values[i]].name, p.cut_encodings[i]);
  }
  if (p.cut_values.size() > 3) s += fmt::format(" (+{})", p.cut_values.size() - 3);
  return s;
}

std::string flags(const partition::Plan& p) {
  if (!p.valid()) return " INVALID: sends data cloud->edge";
  if (p.mispriced()) return fmt::format(" MISPRICED: claimed {:.2f} ms", ms_from_ns(p.claimed_ns));
  if (!p.exact) {
    return fmt::format(
        " NOT PROVEN OPTIMAL (block too large for the search budget): optimum period >= {:.3f} ms",
        ms_from_ns(p.lower_bound_ns));
  }
  return "";
}

Expected<partition::Network> parse_network(const PlanArgs& a) {
  partition::Network net;
  auto rtt = parse_duration_ms(a.rtt);
  if (!rtt) return rtt.status().with_context("--rtt");
  net.rtt_ms = *rtt;
  if (!a.downlink.empty()) {
    auto d = parse_bandwidth_bps(a.downlink);
    if (!d) return d.status().with_context("--downlink");
    net.downlink_bps = *d;
  }
  return net;
}

std::vector<std::string> algo_list(const PlanArgs& a, const graph::Graph& g) {
  if (a.algo != "all") return split_list(a.algo, ',', true);  // "qdmp,neurosurgeon"; "" is refused by solve()
  std::vector<std::string> algos;
  for (const auto& n : partition::algorithm_names(a.obj())) {
    if (n != "brute" || g.num_nodes() <= 24) algos.push_back(n);
  }
  return algos;
}

// --sweep (log-spaced, --points of them) or the one --bandwidth.
Expected<std::vector<double>> bandwidth_list(const PlanArgs& a) {
  if (a.sweep.empty()) {
    auto b = parse_bandwidth_bps(a.bandwidth);
    if (!b) return b.status().with_context("--bandwidth");
    return std::vector<double>{*b};
  }
  auto parsed = parse_bandwidth_range(a.sweep);
  if (!parsed) return parsed.status().with_context("--sweep");
  const BandwidthRange range = *parsed;
  if (a.points < 2 || a.points > 10000) {
    return error(Code::kInvalidArgument, "--points must be in [2, 10000]");
  }
  std::vector<double> bandwidths;
  for (int i = 0; i < a.points; ++i) {
    double t = static_cast<double>(i) / (a.points - 1);
    bandwidths.push_back(range.lo_bps * std::pow(range.hi_bps / range.lo_bps, t));
  }
  return bandwidths;
}

// What `plan` computed: every algorithm at every bandwidth, and the envelope.
struct Solved {
  nlohmann::json plans = nlohmann::json::array();
  std::vector<std::vector<partition::Plan>> table;  // [bandwidth][algo]
  nlohmann::json envelope;                          // null without --envelope
};

// The network at uplink `bps`, the downlink keeping its ratio to the first bandwidth.
partition::Network at(const partition::Network& net, double bps, double down_ratio) {
  partition::Network n = net;
  n.uplink_bps = bps;
  if (down_ratio > 0) n.downlink_bps = bps * down_ratio;
  return n;
}

Expected<Solved> solve_all(const PlanArgs& a, const graph::Graph& g, const partition::CostModel& cm,
                           const partition::Network& net, const std::vector<std::string>& algos,
                           const std::vector<double>& bandwidths) {
  const double down_ratio = net.downlink_bps > 0 ? net.downlink_bps / bandwidths.front() : 0;
  Solved s;
  for (double bps : bandwidths) {
    std::vector<partition::Plan> row;
    for (const auto& algo : algos) {
      EDGECUT_ASSIGN_OR_RETURN(partition::Plan p,
                               partition::solve(algo, cm, at(net, bps, down_ratio), 24, a.obj()));
      s.plans.push_back(partition::plan_to_json(p, g));
      row.push_back(std::move(p));
    }
    s.table.push_back(std::move(row));
  }
  if (a.envelope) {
    double lo = bandwidths.front(), hi = bandwidths.size() > 1 ? bandwidths.back() : 1e9;
    if (bandwidths.size() == 1) lo = 1e5;
    partition::Envelope env;
    if (a.obj() == partition::Objective::kThroughput) {
      partition::ThroughputSolver solver(cm);
      env = partition::Envelope::build_throughput(solver, at(net, bandwidths.front(), down_ratio), lo, hi);
    } else {
      partition::Qdmp q(cm);
      env = partition::Envelope::build(q, at(net, bandwidths.front(), down_ratio), lo, hi);
    }
    s.envelope = nlohmann::json::array();
    for (const auto& piece : env.pieces()) {
      s.envelope.push_back({{"from_bps", piece.from_bps},
                            {"to_bps", piece.to_bps},
                            {"plan", partition::plan_to_json(piece.plan, g)}});
    }
  }
  return s;
}

// Where the first algorithm's plan changes along the sweep: a marker at that
// bandwidth naming the new plan's head size and what it sends, encodings
// included, so the plot shows which cut and which encoding win where.
std::vector<Marker> plan_changes(const graph::Graph& g, const std::vector<double>& bandwidths,
                                 const Solved& s) {
  std::vector<Marker> out;
  std::string last;
  for (size_t i = 0; i < bandwidths.size() && i < s.table.size(); ++i) {
    const partition::Plan& p = s.table[i].front();
    const std::string what = p.cut_values.empty()
                                 ? fmt::format("{} edge nodes", p.edge_nodes.size())
                                 : fmt::format("{} edge nodes: {}", p.edge_nodes.size(), cut_list(g, p));
    if (what != last) out.push_back({bandwidths[i], what});
    last = what;
  }
  return out;
}

// -o and --svg.
Status write_outputs(const PlanArgs& a, const graph::Graph& g, const std::vector<std::string>& algos,
                     const std::vector<double>& bandwidths, const Solved& s, const NodeCosts& costs) {
  if (!a.out.empty()) {
    nlohmann::json file = partition::plan_file_json(g, s.plans);
    // exec and run warn when the plans run on another engine than this.
    file["profile_engines"] = {{"edge", costs.edge_engine}, {"cloud", costs.cloud_engine}};
    EDGECUT_RETURN_IF_ERROR(partition::write_plan_file(a.out, file));
  }
  if (a.svg.empty() || bandwidths.size() <= 1) return Status::ok();
  std::vector<Series> series;
  for (size_t k = 0; k < algos.size(); ++k) {
    Series line{algos[k], {}};
    for (const auto& row : s.table) line.y.push_back(figure(row[k]));
    series.push_back(std::move(line));
  }
  const std::vector<Marker> markers = plan_changes(g, bandwidths, s);
  if (a.obj() == partition::Objective::kThroughput) {
    return write_line_chart(a.svg, fmt::format("{}: pipelined throughput", g.name),
                            "uplink bandwidth (bit/s)", "predicted frames/s (1 / slowest stage)", bandwidths,
                            true, series, markers);
  }
  return write_line_chart(a.svg, fmt::format("{}: end-to-end latency", g.name), "uplink bandwidth (bit/s)",
                          "predicted latency (ms)", bandwidths, true, series, markers);
}

void print_one_bandwidth(const graph::Graph& g, double bps, const std::vector<partition::Plan>& row) {
  fmt::print("bandwidth {}\n\n", format_bandwidth(bps));
  fmt::print("{:<13} {:>10} {:>9} {:>11} {:>9} {:>6}  {:<34} {:>9}\n", "algo", "total ms", "edge ms",
             "transfer ms", "cloud ms", "#edge", "cut tensors", "solve us");
  for (const auto& p : row) {
    const auto& b = p.predicted;
    fmt::print("{:<13} {:>10.2f} {:>9.2f} {:>11.2f} {:>9.2f} {:>6}  {:<34} {:>9.1f}{}\n", p.algo,
               ms_from_ns(b.total_ns), ms_from_ns(b.edge_ns), ms_from_ns(b.transfer_ns()),
               ms_from_ns(b.cloud_ns), p.edge_nodes.size(), cut_list(g, p), p.solve_us, flags(p));
  }
}

void print_one_bandwidth_throughput(const graph::Graph& g, double bps,
                                    const std::vector<partition::Plan>& row) {
  fmt::print("bandwidth {}; pipelined stream: period = slowest stage\n\n", format_bandwidth(bps));
  fmt::print("{:<13} {:>8} {:>10} {:>9} {:>10} {:>9} {:>8} {:>6}  {:<34} {:>9}\n", "algo", "frames/s",
             "period ms", "edge ms", "uplink ms", "cloud ms", "down ms", "#edge", "cut tensors", "solve us");
  for (const auto& p : row) {
    const auto& b = p.predicted;
    fmt::print("{:<13} {:>8.2f} {:>10.2f} {:>9.2f} {:>10.2f} {:>9.2f} {:>8.2f} {:>6}  {:<34} {:>9.1f}{}\n",
               p.algo, figure(p), ms_from_ns(partition::bottleneck_ns(b)), ms_from_ns(b.edge_ns),
               ms_from_ns(b.uplink_ns), ms_from_ns(b.cloud_ns), ms_from_ns(b.downlink_ns),
               p.edge_nodes.size(), cut_list(g, p), p.solve_us, flags(p));
  }
}

void print_sweep(const graph::Graph& g, const std::vector<std::string>& algos,
                 const std::vector<double>& bandwidths, const Solved& s) {
  fmt::print("\n{:>12}", "bandwidth");
  for (const auto& algo : algos) fmt::print(" {:>12}", algo);
  fmt::print("   {} cut\n", algos.front());
  for (size_t i = 0; i < bandwidths.size(); ++i) {
    fmt::print("{:>12}", format_bandwidth(bandwidths[i]));
    for (const auto& p : s.table[i]) fmt::print(" {:>12.2f}", figure(p));
    const auto& p0 = s.table[i].front();
    fmt::print("   {} edge nodes; {}\n", p0.edge_nodes.size(), cut_list(g, p0));
  }
  const bool tp = !s.table.empty() && s.table[0].front().objective == partition::Objective::kThroughput;
  fmt::print("{}\n",
             tp ? "(predicted pipelined frames/s = 1 / slowest stage)" : "(total predicted latency in ms)");
}

void print_envelope(const nlohmann::json& env) {
  fmt::print("\nbandwidth envelope: {} plans are optimal somewhere in the range\n", env.size());
  for (const auto& e : env) {
    std::string sends;
    const auto& names = e["plan"]["cut_value_names"];
    const auto& encs = e["plan"]["cut_encodings"];
    for (size_t i = 0; i < names.size(); ++i) {
      sends += fmt::format("{}{} as {} ({:.0f} B)", i ? ", " : "", names[i].get<std::string>(),
                           encs[i].get<std::string>(), e["plan"]["cut_encoded_bytes"][i].get<double>());
    }
    fmt::print("  {:>12} .. {:<12} {:>4} edge nodes, sends {}\n", format_bandwidth(e["from_bps"]),
               format_bandwidth(e["to_bps"]), e["plan"]["edge_nodes"].size(),
               sends.empty() ? std::string("nothing (edge-only)") : sends);
  }
}

// What the encodings of the plans shown cost in fidelity, as calibrated
// against the uncut fp32 model (partition/encodings.h).
void print_encoding_fidelity(const graph::Graph& g, const partition::EncodingTable* table, const Solved& s) {
  if (!table) return;
  std::set<std::pair<graph::ValueId, std::string>> used;
  for (const auto& row : s.table) {
    for (const partition::Plan& p : row) {
      for (size_t i = 0; i < p.cut_values.size() && i < p.cut_encodings.size(); ++i) {
        if (p.cut_encodings[i] != "fp32") used.insert({p.cut_values[i], p.cut_encodings[i]});
      }
    }
  }
  if (used.empty()) {
    fmt::print("\nfidelity: every plan shown sends fp32 (exact)\n");
    return;
  }
  fmt::print("\nfidelity the plans' encodings cost (calibrated against the uncut fp32 model):\n");
  for (const auto& [x, name] : used) {
    for (const partition::EncodingOption& o : table->options[static_cast<size_t>(x)]) {
      if (o.name != name) continue;
      const partition::Fidelity& f = o.fidelity;
      fmt::print("  {} as {}: {} F1 {:.3f} (worst frame {:.3f}), top-1 {:.3f}, cosine {:.5f}\n",
                 g.values[x].name, name, f.task.empty() ? "task" : f.task,
                 f.task.empty() ? f.top1 : f.task_f1,
                 f.task.empty() ? (f.top1 >= 1 ? 1.0 : 0.0) : f.task_min_f1, f.top1, f.cosine);
    }
  }
}

int run(const PlanArgs& a) {
  auto model = load_model_arg(a.model);
  if (!model) return report_error("plan", model.status());
  const graph::Graph& g = model->graph;
  auto costs = load_costs(a.costs, g);
  if (!costs) return report_error("plan", costs.status());
  auto cm = partition::CostModel::create(g, costs->edge_ms, costs->cloud_ms);
  if (!cm) return report_error("plan", cm.status());
  auto table = load_encodings(a.encodings, g);
  if (!table) return report_error("plan", table.status());
  cm->encodings = *table;
  auto net = parse_network(a);
  if (!net) return report_error("plan", net.status());
  const std::vector<std::string> algos = algo_list(a, g);
  auto bandwidths = bandwidth_list(a);
  if (!bandwidths) return report_error("plan", bandwidths.status());
  auto solved = solve_all(a, g, *cm, *net, algos, *bandwidths);
  if (!solved) return report_error("plan", solved.status());
  Status st = write_outputs(a, g, algos, *bandwidths, *solved, *costs);
  if (!st.is_ok()) return report_error("plan", st);
  if (a.json) {
    nlohmann::json j = {{"model", g.name},
                        {"model_hash", g.structure_hash()},
                        {"costs", costs->source},
                        {"rtt_ms", net->rtt_ms},
                        {"plans", solved->plans}};
    if (a.envelope) j["envelope"] = solved->envelope;
    j["objective"] = a.objective;
    std::cout << j.dump() << "\n";
    return 0;
  }
  fmt::print("model {} ({} nodes), rtt {} ms; {}\n", g.name, g.num_nodes(), net->rtt_ms, costs->source);
  if (bandwidths->size() == 1 && a.obj() == partition::Objective::kThroughput) {
    print_one_bandwidth_throughput(g, bandwidths->front(), solved->table[0]);
  } else if (bandwidths->size() == 1) {
    print_one_bandwidth(g, bandwidths->front(), solved->table[0]);
  } else {
    print_sweep(g, algos, *bandwidths, *solved);
  }
  if (a.envelope) print_envelope(solved->envelope);
  print_encoding_fidelity(g, cm->encodings.get(), *solved);
  if (!a.svg.empty()) fmt::print("\nplot written to {}\n", a.svg);
  if (!a.out.empty()) fmt::print("plans written to {}\n", a.out);
  return 0;
}

}  // namespace

void register_plan(CLI::App& app) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* sub = app.add_subcommand("plan", "Choose where to cut a model for a bandwidth (or a sweep)");
  sub->add_option("model", a->model, kModelHelp)->required();
  add_cost_options(sub, &a->costs);
  add_encoding_options(sub, &a->encodings);
  sub->add_option("-b,--bandwidth", a->bandwidth, "Uplink bandwidth, e.g. 10Mbps, 500kbps, 2MB/s")
      ->capture_default_str();
  sub->add_option("--downlink", a->downlink, "Downlink bandwidth (default: same as uplink)");
  sub->add_option("--rtt", a->rtt, "Round-trip time, e.g. 20ms")->capture_default_str();
  sub->add_option("-a,--algo", a->algo,
                  "qdmp, dads-fixed, dads, neurosurgeon, edge-only, cloud-only, brute; several joined by "
                  "commas, or all")
      ->capture_default_str();
  sub->add_flag("--json", a->json, "Machine-readable output on stdout");
  sub->add_option(
         "--objective", a->objective,
         "latency (one frame end to end) or throughput (pipelined stream: minimise the slowest of "
         "edge, uplink, cloud, result download; algos throughput, dsh, and the latency ones re-scored)")
      ->check(CLI::IsMember({"latency", "throughput"}))
      ->capture_default_str();
  sub->add_option("--sweep", a->sweep, "Bandwidth range LO:HI, e.g. 0.1Mbps:1Gbps (log-spaced points)");
  sub->add_option("--points", a->points, "Points in the sweep")->capture_default_str();
  sub->add_option("--svg", a->svg, "With --sweep: write a latency-vs-bandwidth plot");
  sub->add_option("-o,--output", a->out, "Write the plans as JSON to this file (for edgecut exec)");
  sub->add_flag("--envelope", a->envelope,
                "Also list the plans optimal somewhere in the range, with breakpoints");
  sub->callback([a] { finish(run(*a)); });
}

}  // namespace edgecut::cli
