#include "partition/cost_model.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "graph/segment.h"

namespace edgecut::partition {

int64_t ns_from_ms(double ms) { return std::llround(ms * 1e6); }
double ms_from_ns(int64_t ns) { return static_cast<double>(ns) / 1e6; }

Expected<CostModel> CostModel::create(const Graph& g, const std::vector<double>& edge_ms,
                                      const std::vector<double>& cloud_ms) {
  const size_t n = g.nodes.size();
  if (edge_ms.size() != n || cloud_ms.size() != n) {
    return error(Code::kInvalidArgument, "cost model for '{}' needs {} node times, got {} edge and {} cloud",
                 g.name, n, edge_ms.size(), cloud_ms.size());
  }
  CostModel cm;
  cm.g_ = &g;
  cm.te_ns.resize(n);
  cm.tc_ns.resize(n);
  for (size_t v = 0; v < n; ++v) {
    for (auto [ms, side] : {std::pair{edge_ms[v], "edge"}, std::pair{cloud_ms[v], "cloud"}}) {
      if (!std::isfinite(ms) || ms < 0 || ms > 1e9) {
        return error(Code::kInvalidArgument, "node '{}': {} time {} ms is not a finite non-negative time",
                     g.nodes[v].name, side, ms);
      }
    }
    cm.te_ns[v] = ns_from_ms(edge_ms[v]);
    cm.tc_ns[v] = ns_from_ms(cloud_ms[v]);
  }
  cm.is_output.assign(g.values.size(), 0);
  for (ValueId x : g.outputs) cm.is_output[x] = 1;
  return cm;
}

Rates CostModel::rates(const Network& net) const {
  Rates r;
  const auto& values = g_->values;
  r.up_ns.resize(values.size());
  r.down_ns.resize(values.size());
  const double up = 8e9 / net.uplink_bps;
  const double down = 8e9 / net.down_bps();
  for (size_t x = 0; x < values.size(); ++x) {
    if (values[x].is_weight) continue;
    const double b = static_cast<double>(values[x].bytes);
    r.up_ns[x] = std::llround(b * up);
    r.down_ns[x] = std::llround(b * down);
  }
  r.rtt_ns = ns_from_ms(net.rtt_ms);
  r.up_choice.assign(values.size(), -1);
  if (encodings) {
    const size_t n = std::min(values.size(), encodings->options.size());
    for (size_t x = 0; x < n; ++x) {
      const auto& opts = encodings->options[x];
      for (size_t k = 0; k < opts.size(); ++k) {
        const int64_t t = opts[k].encode_ns + std::llround(opts[k].bytes * up) + opts[k].decode_ns;
        if (t < r.up_ns[x]) {
          r.up_ns[x] = t;
          r.up_choice[x] = static_cast<int16_t>(k);
        }
      }
    }
  }
  return r;
}

CostModel::Crossing CostModel::crossing(ValueId x, const Rates& rates) const {
  Crossing c;
  c.bytes = static_cast<double>(g_->values[x].bytes);
  const int k = x < static_cast<ValueId>(rates.up_choice.size()) ? rates.up_choice[x] : -1;
  if (k >= 0 && encodings) {
    const EncodingOption& o = encodings->options[x][k];
    c = {o.name, o.bytes, o.encode_ns + o.decode_ns};
  }
  return c;
}

PlanLine CostModel::line(const std::vector<char>& on_edge,
                         const std::vector<std::pair<ValueId, std::string>>& sent_as) const {
  const Graph& g = *g_;
  PlanLine l;
  for (NodeId v = 0; v < num_nodes(); ++v) {
    if (on_edge[v]) {
      l.edge_ns += te_ns[v];
    } else {
      l.cloud_ns += tc_ns[v];
      l.remote = true;
    }
  }
  const graph::Crossings c = graph::crossings(g, on_edge);
  for (ValueId x : c.up) {
    const int64_t raw = g.values[x].bytes;
    l.raw_up_bytes += raw;
    double bytes = static_cast<double>(raw);
    for (const auto& [y, name] : sent_as) {
      if (y != x || name == "fp32") continue;
      l.encodings.emplace_back(x, name);
      // The calibrated size and codec time; without a table entry, the raw size.
      if (!encodings || static_cast<size_t>(x) >= encodings->options.size()) break;
      for (const EncodingOption& opt : encodings->options[x]) {
        if (opt.name != name) continue;
        bytes = opt.bytes;
        l.codec_ns += opt.encode_ns + opt.decode_ns;
        break;
      }
      break;
    }
    l.up_bytes += bytes;
  }
  for (ValueId x : c.down) l.down_bytes += g.values[x].bytes;
  for (ValueId x : g.outputs) {
    const NodeId u = g.values[x].producer;
    if (u != graph::kNoNode && !on_edge[u]) l.down_bytes += g.values[x].bytes;
  }
  return l;
}

Expected<CostModel> CostModel::scaled(double edge_factor, double cloud_factor) const {
  CostModel cm = *this;
  for (auto [f, side, ns] :
       {std::tuple{edge_factor, "edge", &cm.te_ns}, std::tuple{cloud_factor, "cloud", &cm.tc_ns}}) {
    if (!std::isfinite(f) || f < 0) {
      return error(Code::kInvalidArgument,
                   "cost model for '{}': {} factor {} is not a finite non-negative number", g_->name, side,
                   f);
    }
    for (size_t v = 0; v < ns->size(); ++v) {
      const double t = static_cast<double>((*ns)[v]) * f;
      if (t > 1e15) {
        return error(Code::kInvalidArgument, "node '{}': {} time {} ms x {} is over 1e9 ms",
                     g_->nodes[v].name, side, ms_from_ns((*ns)[v]), f);
      }
      (*ns)[v] = std::llround(t);
    }
  }
  return cm;
}

Breakdown price(const PlanLine& line, const Network& net, double edge_factor, double cloud_factor) {
  // Saturates (a zero bandwidth, a runaway factor) instead of overflowing.
  auto ns = [](double t) { return t < 1e18 ? std::llround(t) : int64_t{1'000'000'000'000'000'000}; };
  Breakdown b;
  b.edge_ns = ns(static_cast<double>(line.edge_ns) * edge_factor);
  b.cloud_ns = ns(static_cast<double>(line.cloud_ns) * cloud_factor);
  b.uplink_ns = ns(line.up_bytes * 8e9 / net.uplink_bps) + line.codec_ns;
  b.downlink_ns = ns(static_cast<double>(line.down_bytes) * 8e9 / net.down_bps());
  b.rtt_ns = line.remote ? ns_from_ms(net.rtt_ms) : 0;
  b.total_ns = b.edge_ns + b.cloud_ns + b.uplink_ns + b.downlink_ns + b.rtt_ns;
  return b;
}

bool CostModel::is_closed(const std::vector<char>& on_edge) const {
  for (NodeId v = 0; v < num_nodes(); ++v) {
    if (!on_edge[v]) continue;
    for (ValueId x : g_->nodes[v].inputs) {
      NodeId p = g_->values[x].producer;
      if (p != graph::kNoNode && !on_edge[p]) return false;
    }
  }
  return true;
}

Breakdown CostModel::evaluate(const std::vector<char>& on_edge, const Rates& rates) const {
  Breakdown b;
  bool all_edge = true;
  for (NodeId v = 0; v < num_nodes(); ++v) {
    if (on_edge[v]) {
      b.edge_ns += te_ns[v];
    } else {
      b.cloud_ns += tc_ns[v];
      all_edge = false;
    }
  }
  const auto& values = g_->values;
  for (ValueId x = 0; x < static_cast<ValueId>(values.size()); ++x) {
    const graph::Value& val = values[x];
    if (val.is_weight) continue;
    const bool produced_on_edge = val.producer == graph::kNoNode || on_edge[val.producer];
    bool read_on_other_side = false;
    for (NodeId w : val.consumers) read_on_other_side |= (on_edge[w] != 0) != produced_on_edge;
    if (read_on_other_side) {
      if (produced_on_edge) {
        b.uplink_ns += rates.up_ns[x];
      } else {
        b.downlink_ns += rates.down_ns[x];
      }
    }
    if (is_output[x] && !produced_on_edge) b.downlink_ns += rates.down_ns[x];
  }
  if (!all_edge) b.rtt_ns = rates.rtt_ns;
  b.total_ns = b.edge_ns + b.cloud_ns + b.uplink_ns + b.downlink_ns + b.rtt_ns;
  return b;
}

}  // namespace edgecut::partition
