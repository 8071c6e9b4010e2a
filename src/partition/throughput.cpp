#include "partition/throughput.h"

#include <algorithm>
#include <limits>

#include "partition/algorithms.h"

namespace edgecut::partition {
namespace {

constexpr int64_t kInf = std::numeric_limits<int64_t>::max();
// Blocks larger than this get no descendant lists (m^2 memory): the search
// stays exact, its bounds are only weaker.
constexpr int kMaxDescBlock = 4096;

enum Side : signed char { kFree = 0, kEdge = 1, kCloud = 2 };

// Depth-first branch and bound over the ideals of one block (throughput.h).
struct BlockSearch {
  const CostModel& cm;
  const Rates& rates;
  const ThroughputBlock& b;
  const std::vector<int32_t>& local_of;
  const std::vector<int64_t>& dn;  // per interior node: result download if it runs in the cloud
  int32_t head;
  std::vector<char>& counted;  // per value: uplink already paid
  int64_t* budget;             // shared by all blocks of one solve
  int64_t* nodes;

  std::vector<signed char> side = {};
  std::vector<int> forced = {};  // cloud ancestors per interior node
  std::vector<ValueId> paid = {};
  int64_t e = 0, c = 0, d = 0, u = 0, rem_min = 0;
  int64_t best = kInf;
  std::vector<signed char> best_side = {};
  int64_t open_lb = kInf;  // least bound over subtrees cut off by the budget

  int64_t bound() const { return std::max({e, c, d, u, (e + c + rem_min + 1) / 2}); }
  int64_t te(int i) const { return cm.te_ns[b.nodes[i]]; }
  int64_t tc(int i) const { return cm.tc_ns[b.nodes[i]]; }
  int64_t mn(int i) const { return std::min(te(i), tc(i)); }

  bool made_on_edge(ValueId x) const {
    const NodeId p = cm.graph().values[x].producer;
    if (p == graph::kNoNode || p == head) return true;
    return side[local_of[p]] == kEdge;
  }
  // Pays the uplink of every input of a cloud node made on the edge.
  void pay_inputs(const std::vector<ValueId>& ins) {
    for (ValueId x : ins) {
      if (counted[x] || !made_on_edge(x)) continue;
      counted[x] = 1;
      u += rates.up_ns[x];
      paid.push_back(x);
    }
  }
  void unpay(size_t mark) {
    while (paid.size() > mark) {
      counted[paid.back()] = 0;
      u -= rates.up_ns[paid.back()];
      paid.pop_back();
    }
  }
  void force(int i, int delta) {
    for (int w : b.desc[i]) {
      if (delta > 0 && forced[w]++ == 0) {
        c += tc(w), d += dn[w], rem_min -= mn(w);
      } else if (delta < 0 && --forced[w] == 0) {
        c -= tc(w), d -= dn[w], rem_min += mn(w);
      }
    }
  }

  void leaf() {
    const size_t mark = paid.size();
    pay_inputs(b.tail_ins);
    const int64_t t = std::max({e, c, d, u});
    if (t < best) {
      best = t;
      best_side = side;
    }
    unpay(mark);
  }

  void place_cloud(int i, bool was_forced) {
    side[i] = kCloud;
    if (!was_forced) {
      c += tc(i), d += dn[i], rem_min -= mn(i);
      force(i, +1);
    }
    const size_t mark = paid.size();
    pay_inputs(b.ins[i]);
    run(i + 1);
    unpay(mark);
    if (!was_forced) {
      force(i, -1);
      c -= tc(i), d -= dn[i], rem_min += mn(i);
    }
    side[i] = kFree;
  }

  void place_edge(int i) {
    side[i] = kEdge;
    e += te(i), rem_min -= mn(i);
    run(i + 1);
    e -= te(i), rem_min += mn(i);
    side[i] = kFree;
  }

  void run(int i) {
    const int64_t lb = bound();
    if (lb >= best) return;
    if (*budget <= 0) {
      open_lb = std::min(open_lb, lb);
      return;
    }
    --*budget;
    ++*nodes;
    const int m = static_cast<int>(b.nodes.size());
    if (i == m) return leaf();
    bool is_forced = forced[i] > 0;
    for (int p : b.preds[i]) is_forced |= side[p] == kCloud;  // covers blocks without desc lists
    if (is_forced) return place_cloud(i, forced[i] > 0);
    // Try first the side that keeps the edge below the cloud's potential load.
    int64_t cloud_left = c;
    for (int w = i; w < m; ++w) cloud_left += forced[w] ? 0 : tc(w);
    if (e + te(i) <= cloud_left) {
      place_edge(i);
      place_cloud(i, false);
    } else {
      place_cloud(i, false);
      place_edge(i);
    }
  }
};

std::vector<std::vector<int>> descendants(const std::vector<std::vector<int>>& preds) {
  const int m = static_cast<int>(preds.size());
  std::vector<std::vector<int>> desc(m);
  if (m > kMaxDescBlock) return desc;
  std::vector<std::vector<char>> reach(m, std::vector<char>(m, 0));  // reach[a][w]: w descends from a
  for (int w = 0; w < m; ++w) {
    for (int p : preds[w]) {
      reach[p][w] = 1;
      for (int a = 0; a < p; ++a) reach[a][w] |= reach[a][p];
    }
  }
  for (int a = 0; a < m; ++a) {
    for (int w = a + 1; w < m; ++w) {
      if (reach[a][w]) desc[a].push_back(w);
    }
  }
  return desc;
}

}  // namespace

std::shared_ptr<const ThroughputStructure> ThroughputStructure::analyze(const Graph& g) {
  auto out = std::make_shared<ThroughputStructure>();
  out->st = graph::analyze(g);
  const graph::Structure& st = out->st;
  for (int k = 0; k < st.num_blocks(); ++k) {
    ThroughputBlock b;
    b.p0 = st.cut_pos[k];
    b.p1 = st.cut_pos[k + 1];
    const bool real_tail = st.order[b.p1] < st.n;
    for (int p = b.p0 + 1; p < b.p1; ++p) {
      const int32_t v = st.order[p];
      const int local = static_cast<int>(b.nodes.size());
      b.nodes.push_back(v);
      b.preds.emplace_back();
      for (int32_t q : st.pred(v)) {
        if (st.pos[q] > b.p0) b.preds[local].push_back(st.pos[q] - b.p0 - 1);
      }
      b.ins.emplace_back();
      for (ValueId x : g.nodes[v].inputs) {
        if (!g.values[x].is_weight) b.ins[local].push_back(x);
      }
      for (ValueId x : g.nodes[v].outputs) {
        if (!real_tail || g.values[x].consumers.empty()) continue;
        if (b.min_value < 0 || g.values[x].bytes < g.values[b.min_value].bytes) b.min_value = x;
      }
    }
    if (real_tail) {
      for (ValueId x : g.nodes[st.order[b.p1]].inputs) {
        if (!g.values[x].is_weight) b.tail_ins.push_back(x);
      }
    }
    b.desc = descendants(b.preds);
    out->blocks.push_back(std::move(b));
  }
  for (ValueId x : g.outputs) {
    if (g.values[x].producer != graph::kNoNode) out->out_pos.emplace_back(st.pos[g.values[x].producer], x);
  }
  return out;
}

ThroughputSolver::ThroughputSolver(const CostModel& cm, int64_t node_budget)
    : ThroughputSolver(cm, ThroughputStructure::analyze(cm.graph()), node_budget) {}

ThroughputSolver::ThroughputSolver(const CostModel& cm, std::shared_ptr<const ThroughputStructure> s,
                                   int64_t node_budget)
    : cm_(cm),
      s_(std::move(s)),
      st_(s_->st),
      blocks_(s_->blocks),
      out_pos_(s_->out_pos),
      budget_(node_budget) {
  const int total = st_.n + 2;
  pre_e_.assign(total, 0);
  suf_c_.assign(total + 1, 0);
  for (int i = 0; i < total; ++i) {
    const int32_t v = st_.order[i];
    pre_e_[i] = (i > 0 ? pre_e_[i - 1] : 0) + (v < st_.n ? cm.te_ns[v] : 0);
  }
  for (int i = total - 1; i >= 0; --i) {
    const int32_t v = st_.order[i];
    suf_c_[i] = suf_c_[i + 1] + (v < st_.n ? cm.tc_ns[v] : 0);
  }
  block_min_sum_.assign(blocks_.size(), 0);
  for (size_t k = 0; k < blocks_.size(); ++k) {
    for (int32_t v : blocks_[k].nodes) block_min_sum_[k] += std::min(cm.te_ns[v], cm.tc_ns[v]);
  }
}

Plan ThroughputSolver::solve(const Network& net) { return solve(net, cm_.rates(net)); }

int64_t ThroughputSolver::down_from(const Rates& rates, int pos) const {
  int64_t s = 0;
  for (auto [p, x] : out_pos_) s += p >= pos ? rates.down_ns[x] : 0;
  return s;
}

// Blocks by ascending lower bound, each searched unless the bound rules it out.
void ThroughputSolver::search_blocks(const Rates& rates, Best* best) {
  const Graph& g = cm_.graph();
  std::vector<std::pair<int64_t, int>> order;
  for (int k = 0; k < static_cast<int>(blocks_.size()); ++k) {
    const Block& b = blocks_[k];
    if (b.nodes.empty()) continue;
    ++stats_.blocks;
    const int64_t e0 = pre_e_[b.p0], c0 = suf_c_[b.p1];
    int64_t lb = std::max({e0, c0, down_from(rates, b.p1), (e0 + c0 + block_min_sum_[k] + 1) / 2});
    if (st_.order[b.p1] < st_.n) {
      const int64_t head_out = outputs_up_ns(g, st_, st_.order[b.p0], rates);
      lb = std::max(lb, b.min_value >= 0 ? std::min(head_out, rates.up_ns[b.min_value]) : head_out);
    }
    order.emplace_back(lb, k);
  }
  std::sort(order.begin(), order.end());
  std::vector<int32_t> local_of(st_.n + 2, 0);
  std::vector<char> counted(g.values.size(), 0);
  int64_t budget = budget_;
  for (auto [lb, k] : order) {
    if (lb >= best->ns) break;
    const Block& b = blocks_[k];
    const int m = static_cast<int>(b.nodes.size());
    if (budget <= 0) {
      best->lower = std::min(best->lower, lb);
      continue;
    }
    ++stats_.blocks_searched;
    std::vector<int64_t> dn(m, 0);
    for (int i = 0; i < m; ++i) local_of[b.nodes[i]] = i;
    for (auto [p, x] : out_pos_) {
      if (p > b.p0 && p < b.p1) dn[p - b.p0 - 1] += rates.down_ns[x];
    }
    BlockSearch s{cm_, rates, b, local_of, dn, st_.order[b.p0], counted, &budget, &stats_.nodes};
    s.side.assign(m, kFree);
    s.forced.assign(m, 0);
    s.e = pre_e_[b.p0];
    s.c = suf_c_[b.p1];
    s.d = down_from(rates, b.p1);
    s.rem_min = block_min_sum_[k];
    s.best = best->ns;
    s.run(0);
    best->lower = std::min(best->lower, s.open_lb);
    if (s.best < best->ns) {
      best->ns = s.best;
      best->block = k;
      best->side = std::move(s.best_side);
    }
  }
}

Plan ThroughputSolver::solve(const Network& net, const Rates& rates) {
  const Graph& g = cm_.graph();
  const int total = st_.n + 2;
  stats_ = {};
  // Incumbent: edge-only, then every whole-block boundary S = order[0..p].
  Best best;
  best.ns = pre_e_[total - 1];
  best.last = total - 1;
  best.lower = kInf;
  for (int k = 0; k < st_.num_blocks(); ++k) {
    const int p = st_.cut_pos[k];
    const int64_t t = std::max(
        {pre_e_[p], suf_c_[p + 1], down_from(rates, p + 1), outputs_up_ns(g, st_, st_.order[p], rates)});
    if (t < best.ns) best.ns = t, best.last = p;
  }
  search_blocks(rates, &best);
  std::vector<char> on_edge(st_.n, 0);
  const int last = best.block >= 0 ? blocks_[best.block].p0 : best.last;
  for (int p = 1; p <= last && p < total - 1; ++p) on_edge[st_.order[p]] = 1;
  if (best.block >= 0) {
    const Block& b = blocks_[best.block];
    for (size_t i = 0; i < b.nodes.size(); ++i) on_edge[b.nodes[i]] = best.side[i] == kEdge;
  }
  Plan plan = make_plan(cm_, rates, net.uplink_bps, "throughput", std::move(on_edge), best.ns);
  plan.objective = Objective::kThroughput;
  stats_.exact = best.lower >= best.ns;
  plan.exact = stats_.exact;
  plan.lower_bound_ns = std::min(best.lower, best.ns);
  return plan;
}

Plan solve_dsh(const CostModel& cm, const Network& net, const Rates& rates) {
  Rates no_rtt = rates;
  no_rtt.rtt_ns = 0;  // rtt limits no stage's rate
  Plan sum = solve_dads(cm, net, no_rtt, true);
  Plan p = make_plan(cm, rates, net.uplink_bps, "dsh", std::move(sum.on_edge), 0);
  p.objective = Objective::kThroughput;
  p.claimed_ns = bottleneck_ns(p.predicted);
  return p;
}

}  // namespace edgecut::partition
