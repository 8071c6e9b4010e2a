// CostModel: the end-to-end latency T(S) of running node set S on the edge and
// the rest in the cloud (docs/design.md, "The cost model"), in integer nanoseconds.
//
//   T(S) = sum_{v in S} te(v) + sum_{v not in S} tc(v)
//        + sum_{x: producer on edge, some consumer in cloud} up(x)      (paid once per value)
//        + sum_{x: producer in cloud, some consumer on edge} down(x)    (invalid plans only)
//        + sum_{graph outputs x produced in the cloud} down(x)
//        + [S != all nodes] * rtt
// Graph inputs count as produced on the edge. up(x) = bytes*8/B_up (or, with
// an encoding table, the cheapest allowed encoding's encode + bytes/B + decode:
// partition/encodings.h), down(x) =
// bytes*8/B_down, each rounded to the nanosecond once per bandwidth so that
// min-cut values and this evaluator agree exactly. evaluate() depends on no
// min-cut code: it is the oracle. O(V + E) per evaluation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph.h"
#include "partition/encodings.h"

namespace edgecut::partition {

using graph::Graph;
using graph::NodeId;
using graph::ValueId;

struct Network {
  double uplink_bps = 10e6;
  double downlink_bps = 0;  // 0: same as uplink
  double rtt_ms = 0;
  double down_bps() const { return downlink_bps > 0 ? downlink_bps : uplink_bps; }
};

// Per-bandwidth transfer prices, computed once per Network.
struct Rates {
  std::vector<int64_t> up_ns;    // per value; 0 for weights
  std::vector<int64_t> down_ns;  // per value; 0 for weights
  int64_t rtt_ns = 0;
  // Per value: the index of the encoding up_ns prices in the cost model's
  // table, -1 for raw fp32 (always, without a table).
  std::vector<int16_t> up_choice;
};

// A plan's price as a line in 1 / B, the encodings of its crossing tensors
// fixed (what the runtime compares at the bandwidth it measures):
//   T(B) = edge + cloud + codec + up_bytes * 8 / B_up + down_bytes * 8 / B_down + [remote] rtt
// CostModel::line() builds it from a plan; at() prices it at a network, with
// the edge and cloud terms scaled by the runtime's drift corrections.
struct PlanLine {
  int64_t edge_ns = 0;
  int64_t cloud_ns = 0;
  int64_t codec_ns = 0;      // encode + decode of the encoded crossing tensors
  double up_bytes = 0;       // per frame on the wire, encodings applied
  int64_t raw_up_bytes = 0;  // the same tensors as fp32
  int64_t down_bytes = 0;    // graph outputs made in the cloud (+ cloud -> edge tensors: invalid plans)
  bool remote = false;       // some node runs in the cloud: the frame pays rtt
  // The crossing tensors sent encoded, by value (fp32 ones are not listed).
  std::vector<std::pair<ValueId, std::string>> encodings;
};

struct Breakdown {
  int64_t edge_ns = 0;
  int64_t uplink_ns = 0;
  int64_t downlink_ns = 0;  // results and (invalid plans) cloud->edge tensors
  int64_t rtt_ns = 0;
  int64_t cloud_ns = 0;
  int64_t total_ns = 0;
  int64_t transfer_ns() const { return uplink_ns + downlink_ns + rtt_ns; }
};

class CostModel {
 public:
  // edge_ms / cloud_ms: one finite, non-negative time per node. The graph must
  // outlive the model.
  static Expected<CostModel> create(const Graph& g, const std::vector<double>& edge_ms,
                                    const std::vector<double>& cloud_ms);

  const Graph& graph() const { return *g_; }
  int num_nodes() const { return static_cast<int>(te_ns.size()); }
  Rates rates(const Network& net) const;
  // The oracle. on_edge: one flag per node; any set, closed or not.
  Breakdown evaluate(const std::vector<char>& on_edge, const Rates& rates) const;
  // The plan's line with these encodings of its crossing tensors (others, and
  // names the table lacks, go as fp32 at their raw size). O(V + E).
  PlanLine line(const std::vector<char>& on_edge,
                const std::vector<std::pair<ValueId, std::string>>& sent_as = {}) const;
  // The same costs with every edge time times edge_factor and every cloud
  // time times cloud_factor (the runtime's drift corrections), encodings
  // shared. Fails as create() does when a scaled time leaves the range.
  Expected<CostModel> scaled(double edge_factor, double cloud_factor) const;
  // True iff every predecessor of an edge node is on the edge.
  bool is_closed(const std::vector<char>& on_edge) const;

  std::vector<int64_t> te_ns;
  std::vector<int64_t> tc_ns;
  std::vector<char> is_output;  // per value
  // Allowed encodings per crossing tensor; null or empty: raw fp32 only.
  std::shared_ptr<const EncodingTable> encodings;

  // What value x is sent as when it crosses at these rates.
  struct Crossing {
    std::string encoding = "fp32";
    double bytes = 0;      // per frame
    int64_t codec_ns = 0;  // encode on the edge + decode in the cloud
  };
  Crossing crossing(ValueId x, const Rates& rates) const;

 private:
  const Graph* g_ = nullptr;
};

// `line` at `net`, edge_ns x edge_factor and cloud_ns x cloud_factor. It
// agrees with evaluate() on the same plan and encodings up to evaluate()'s
// rounding of each tensor's price to the nanosecond. O(1).
Breakdown price(const PlanLine& line, const Network& net, double edge_factor = 1, double cloud_factor = 1);

int64_t ns_from_ms(double ms);
double ms_from_ns(int64_t ns);

}  // namespace edgecut::partition
