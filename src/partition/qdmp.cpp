// size: Qdmp::solve is one pass over the blocks (bounds, then max-flow on the blocks that can win); split,
// its shared locals would travel as a struct of nine fields.
#include "partition/qdmp.h"

#include <algorithm>
#include <limits>

namespace edgecut::partition {

std::shared_ptr<const QdmpStructure> QdmpStructure::analyze(const Graph& g) {
  auto s = std::make_shared<QdmpStructure>();
  s->graph = &g;
  s->st = graph::analyze(g);
  const graph::Structure& st = s->st;
  const int k_blocks = st.num_blocks();
  s->block_min_value.assign(k_blocks, -1);
  s->block_values_begin.assign(k_blocks + 1, 0);
  for (int k = 0; k < k_blocks; ++k) {
    // The transfer bound needs a real c_k+1: every interior node then reaches
    // it through data edges. Before the virtual sink, a node may end the graph.
    const bool real_tail = st.order[st.cut_pos[k + 1]] < st.n;
    for (int p = st.cut_pos[k] + 1; p < st.cut_pos[k + 1] && real_tail; ++p) {
      for (ValueId x : g.nodes[st.order[p]].outputs) {
        const auto& val = g.values[x];
        if (val.consumers.empty()) continue;
        s->block_values.push_back(x);
        ValueId& m = s->block_min_value[k];
        if (m < 0 || val.bytes < g.values[m].bytes) m = x;
      }
    }
    s->block_values_begin[k + 1] = static_cast<int32_t>(s->block_values.size());
  }
  for (ValueId x : g.outputs) {
    if (g.values[x].producer != graph::kNoNode) s->out_pos.emplace_back(st.pos[g.values[x].producer], x);
  }
  return s;
}

Qdmp::Qdmp(const CostModel& cm) : Qdmp(cm, QdmpStructure::analyze(cm.graph())) {}

Qdmp::Qdmp(const CostModel& cm, std::shared_ptr<const QdmpStructure> s)
    : cm_(&cm), s_(std::move(s)), region_(cm, s_->st) {
  reprice(cm);
}

void Qdmp::reprice(const CostModel& cm) {
  cm_ = &cm;
  region_.set_cost_model(cm);
  const graph::Structure& st = s_->st;
  const int total = st.n + 2;
  pre_e_.assign(total, 0);
  suf_c_.assign(total + 1, 0);
  for (int i = 0; i < total; ++i) {
    const int32_t v = st.order[i];
    pre_e_[i] = (i > 0 ? pre_e_[i - 1] : 0) + (v < st.n ? cm.te_ns[v] : 0);
  }
  for (int i = total - 1; i >= 0; --i) {
    const int32_t v = st.order[i];
    suf_c_[i] = suf_c_[i + 1] + (v < st.n ? cm.tc_ns[v] : 0);
  }
  const int k_blocks = st.num_blocks();
  block_min_.assign(k_blocks, 0);
  for (int k = 0; k < k_blocks; ++k) {
    for (int p = st.cut_pos[k] + 1; p < st.cut_pos[k + 1]; ++p) {
      const int32_t v = st.order[p];
      block_min_[k] += std::min(cm.te_ns[v], cm.tc_ns[v]);
    }
  }
}

Plan Qdmp::solve(const Network& net) { return solve(net, cm_->rates(net)); }

Plan Qdmp::solve(const Network& net, const Rates& rates) {
  const CostModel& cm = *cm_;
  const Graph& g = cm.graph();
  const graph::Structure& st = s_->st;
  const int total = st.n + 2;
  const int k_blocks = st.num_blocks();
  stats_ = {};
  // Result downloads are cloud costs of output producers; they depend on the
  // bandwidth, so add them to the suffix sums here (outputs are few).
  auto suf_c = [&](int pos) {
    int64_t s = suf_c_[pos];
    for (auto [p, x] : s_->out_pos) {
      if (p >= pos) s += rates.down_ns[x];
    }
    return s;
  };

  // (1) whole-block boundaries: S = order[0..cut_pos[j]] for j < K.
  int64_t best = std::numeric_limits<int64_t>::max();
  int best_boundary = -1;  // j of the best boundary, or -1 if a block cut wins
  for (int j = 0; j < k_blocks; ++j) {
    const int p = st.cut_pos[j];
    const int64_t t = pre_e_[p] + suf_c(p + 1) + outputs_up_ns(g, st, st.order[p], rates);
    if (t < best) {
      best = t;
      best_boundary = j;
    }
  }
  // (2)+(3) blocks by ascending lower bound; max-flow only where it can win.
  const bool encoded = cm.encodings && !cm.encodings->empty();
  order_.clear();
  for (int k = 0; k < k_blocks; ++k) {
    if (st.cut_pos[k + 1] - st.cut_pos[k] <= 1) continue;
    ++stats_.blocks;
    int64_t lb = pre_e_[st.cut_pos[k]] + suf_c(st.cut_pos[k + 1]) + block_min_[k];
    if (const ValueId m = s_->block_min_value[k]; m >= 0) {
      // Least transfer: all of c_k's outputs (nothing inside on the edge), or
      // at least one tensor made inside (something inside on the edge).
      const int64_t head_out = outputs_up_ns(g, st, st.order[st.cut_pos[k]], rates);
      // Raw prices are rounded monotonically in bytes, so the smallest tensor
      // has the smallest price; encoded prices are not, so take the least.
      int64_t least = rates.up_ns[m];
      if (encoded) {
        for (int32_t i = s_->block_values_begin[k]; i < s_->block_values_begin[k + 1]; ++i) {
          least = std::min(least, rates.up_ns[s_->block_values[i]]);
        }
      }
      lb += std::min(head_out, least);
    }
    order_.emplace_back(lb, k);
  }
  std::sort(order_.begin(), order_.end());
  int best_block = -1;
  std::vector<int32_t> best_edge;
  for (auto [lb, k] : order_) {
    if (lb >= best) break;
    ++stats_.blocks_solved;
    const int p0 = st.cut_pos[k];
    const int p1 = st.cut_pos[k + 1];
    std::span<const int32_t> interior(st.order.data() + p0 + 1, p1 - p0 - 1);
    RegionResult r = region_.solve(interior, st.order[p0], st.order[p1], rates, true);
    const int64_t t = pre_e_[p0] + r.cost_ns + suf_c(p1);
    if (t < best) {
      best = t;
      best_block = k;
      best_boundary = -1;
      best_edge = std::move(r.edge_nodes);
    }
  }
  // Assemble S.
  std::vector<char> on_edge(st.n, 0);
  const int last = best_block >= 0 ? st.cut_pos[best_block] : st.cut_pos[best_boundary];
  for (int p = 1; p <= last; ++p) on_edge[st.order[p]] = 1;
  for (int32_t v : best_edge) on_edge[v] = 1;
  int64_t claimed = best + rates.rtt_ns;
  // (4) edge-only pays no rtt and no result download.
  const int64_t edge_only = pre_e_[total - 1];
  if (edge_only <= claimed) {
    std::fill(on_edge.begin(), on_edge.end(), 1);
    claimed = edge_only;
  }
  return make_plan(cm, rates, net.uplink_bps, "qdmp", std::move(on_edge), claimed);
}

}  // namespace edgecut::partition
