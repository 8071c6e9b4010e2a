#include "partition/qdmp.h"

#include <algorithm>
#include <limits>

namespace edgecut::partition {

Qdmp::Qdmp(const CostModel& cm) : cm_(cm), st_(graph::analyze(cm.graph())), region_(cm, st_) {
  const int total = st_.n + 2;
  pre_e_.assign(total, 0);
  suf_c_.assign(total + 1, 0);
  for (int i = 0; i < total; ++i) {
    int32_t v = st_.order[i];
    pre_e_[i] = (i > 0 ? pre_e_[i - 1] : 0) + (v < st_.n ? cm.te_ns[v] : 0);
  }
  for (int i = total - 1; i >= 0; --i) {
    int32_t v = st_.order[i];
    suf_c_[i] = suf_c_[i + 1] + (v < st_.n ? cm.tc_ns[v] : 0);
  }
  const int k_blocks = st_.num_blocks();
  const Graph& g = cm.graph();
  block_min_.assign(k_blocks, 0);
  block_min_value_.assign(k_blocks, -1);
  block_values_.assign(k_blocks, {});
  for (int k = 0; k < k_blocks; ++k) {
    // The transfer bound needs a real c_k+1: every interior node then reaches
    // it through data edges. Before the virtual sink, a node may end the graph.
    const bool real_tail = st_.order[st_.cut_pos[k + 1]] < st_.n;
    for (int p = st_.cut_pos[k] + 1; p < st_.cut_pos[k + 1]; ++p) {
      int32_t v = st_.order[p];
      block_min_[k] += std::min(cm.te_ns[v], cm.tc_ns[v]);
      for (ValueId x : g.nodes[v].outputs) {
        const auto& val = g.values[x];
        if (!real_tail || val.consumers.empty()) continue;
        block_values_[k].push_back(x);
        ValueId& m = block_min_value_[k];
        if (m < 0 || val.bytes < g.values[m].bytes) m = x;
      }
    }
  }
  for (ValueId x : g.outputs) {
    if (g.values[x].producer != graph::kNoNode) out_pos_.emplace_back(st_.pos[g.values[x].producer], x);
  }
}

Plan Qdmp::solve(const Network& net) { return solve(net, cm_.rates(net)); }

Plan Qdmp::solve(const Network& net, const Rates& rates) {
  const Graph& g = cm_.graph();
  const int total = st_.n + 2;
  const int k_blocks = st_.num_blocks();
  stats_ = {};
  // Result downloads are cloud costs of output producers; they depend on the
  // bandwidth, so add them to the suffix sums here (outputs are few).
  auto suf_c = [&](int pos) {
    int64_t s = suf_c_[pos];
    for (auto [p, x] : out_pos_) {
      if (p >= pos) s += rates.down_ns[x];
    }
    return s;
  };

  // (1) whole-block boundaries: S = order[0..cut_pos[j]] for j < K.
  int64_t best = std::numeric_limits<int64_t>::max();
  int best_boundary = -1;  // j of the best boundary, or -1 if a block cut wins
  for (int j = 0; j < k_blocks; ++j) {
    const int p = st_.cut_pos[j];
    const int64_t t = pre_e_[p] + suf_c(p + 1) + outputs_up_ns(g, st_, st_.order[p], rates);
    if (t < best) {
      best = t;
      best_boundary = j;
    }
  }
  // (2)+(3) blocks by ascending lower bound; max-flow only where it can win.
  const bool encoded = cm_.encodings && !cm_.encodings->empty();
  std::vector<std::pair<int64_t, int>> order;
  for (int k = 0; k < k_blocks; ++k) {
    if (st_.cut_pos[k + 1] - st_.cut_pos[k] <= 1) continue;
    ++stats_.blocks;
    int64_t lb = pre_e_[st_.cut_pos[k]] + suf_c(st_.cut_pos[k + 1]) + block_min_[k];
    if (block_min_value_[k] >= 0) {
      // Least transfer: all of c_k's outputs (nothing inside on the edge), or
      // at least one tensor made inside (something inside on the edge).
      const int64_t head_out = outputs_up_ns(g, st_, st_.order[st_.cut_pos[k]], rates);
      // Raw prices are rounded monotonically in bytes, so the smallest tensor
      // has the smallest price; encoded prices are not, so take the least.
      int64_t least = rates.up_ns[block_min_value_[k]];
      if (encoded) {
        for (ValueId x : block_values_[k]) least = std::min(least, rates.up_ns[x]);
      }
      lb += std::min(head_out, least);
    }
    order.emplace_back(lb, k);
  }
  std::sort(order.begin(), order.end());
  int best_block = -1;
  std::vector<int32_t> best_edge;
  for (auto [lb, k] : order) {
    if (lb >= best) break;
    ++stats_.blocks_solved;
    const int p0 = st_.cut_pos[k];
    const int p1 = st_.cut_pos[k + 1];
    std::span<const int32_t> interior(st_.order.data() + p0 + 1, p1 - p0 - 1);
    RegionResult r = region_.solve(interior, st_.order[p0], st_.order[p1], rates, true);
    int64_t t = pre_e_[p0] + r.cost_ns + suf_c(p1);
    if (t < best) {
      best = t;
      best_block = k;
      best_boundary = -1;
      best_edge = std::move(r.edge_nodes);
    }
  }
  // Assemble S.
  std::vector<char> on_edge(st_.n, 0);
  int last = best_block >= 0 ? st_.cut_pos[best_block] : st_.cut_pos[best_boundary];
  for (int p = 1; p <= last; ++p) on_edge[st_.order[p]] = 1;
  for (int32_t v : best_edge) on_edge[v] = 1;
  int64_t claimed = best + rates.rtt_ns;
  // (4) edge-only pays no rtt and no result download.
  const int64_t edge_only = pre_e_[total - 1];
  if (edge_only <= claimed) {
    std::fill(on_edge.begin(), on_edge.end(), 1);
    claimed = edge_only;
  }
  return make_plan(cm_, rates, net.uplink_bps, "qdmp", std::move(on_edge), claimed);
}

}  // namespace edgecut::partition
