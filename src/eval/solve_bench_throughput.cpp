// bench_solve_throughput (see solve_bench.h).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "eval/solve_bench.h"
#include "eval/solve_bench_harness.h"
#include "partition/envelope.h"
#include "partition/throughput.h"
#include "profile/profile.h"

namespace edgecut::eval {

Expected<ThroughputSolveTimes> bench_solve_throughput(const graph::Graph& g, const std::string& label,
                                                      double min_ms) {
  EDGECUT_ASSIGN_OR_RETURN(SolveBenchSetup setup, solve_bench_setup(g));
  const partition::CostModel& cm = setup.cm;
  const std::vector<partition::Network>& nets = setup.nets;
  const std::vector<partition::Rates>& rates = setup.rates;
  ThroughputSolveTimes row;
  row.model = g.name;
  row.nodes = g.num_nodes();
  partition::ThroughputSolver solver(cm);
  for (size_t i = 0; i < nets.size(); ++i) {
    auto ours = solver.solve(nets[i], rates[i]);
    auto dsh = partition::solve_dsh(cm, nets[i], rates[i]);
    row.blocks = solver.stats().blocks;
    row.blocks_searched = std::max(row.blocks_searched, solver.stats().blocks_searched);
    row.bb_nodes = std::max(row.bb_nodes, solver.stats().nodes);
    row.exact = row.exact && ours.exact;
    if (ours.objective_ns() > dsh.objective_ns() || ours.mispriced() || !ours.valid()) {
      return error(Code::kInternal,
                   "{}: throughput plan {} ns is worse than DSH's {} ns (or mispriced) at {} bps", label,
                   ours.objective_ns(), dsh.objective_ns(), nets[i].uplink_bps);
    }
    row.dsh_over_ours_period =
        std::max(row.dsh_over_ours_period,
                 static_cast<double>(dsh.objective_ns()) / std::max<int64_t>(1, ours.objective_ns()));
  }
  const int period = static_cast<int>(nets.size());
  row.ours_scratch = time_calls_us(
      [&](int i) {
        partition::ThroughputSolver fresh(cm);
        (void)fresh.solve(nets[i]);
      },
      period, min_ms);
  row.ours_redecide = time_calls_us([&](int i) { (void)solver.solve(nets[i]); }, period, min_ms);
  row.dsh = time_calls_us([&](int i) { (void)partition::solve_dsh(cm, nets[i], cm.rates(nets[i])); }, period,
                          min_ms);
  auto env = partition::Envelope::build_throughput(solver, nets[0], 1e5, 1e9);
  row.envelope_pieces = static_cast<int>(env.pieces().size());
  return row;
}

nlohmann::json to_json(const ThroughputSolveTimes& r) {
  return {{"model", r.model},
          {"nodes", r.nodes},
          {"blocks", r.blocks},
          {"blocks_searched", r.blocks_searched},
          {"bb_nodes", r.bb_nodes},
          {"exact", r.exact},
          {"throughput_scratch_us", r.ours_scratch},
          {"throughput_redecide_us", r.ours_redecide},
          {"dsh_us", r.dsh},
          {"ratio_dsh_time_over_ours", r.dsh / r.ours_scratch},
          {"dsh_period_over_ours_max", r.dsh_over_ours_period},
          {"envelope_pieces", r.envelope_pieces}};
}

}  // namespace edgecut::eval
