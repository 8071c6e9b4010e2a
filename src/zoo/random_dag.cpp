// "random<seed>": a random DAG CNN for property and engine tests.
//
// The topology is a pure function of <seed> (options.seed only changes the
// weights). Starting from a stem conv, each step appends one node reading
// earlier values (biased towards recent ones, so chains form, but any earlier
// value may be read again: fan-out): conv 1x1/3x3 (sometimes stride 2), ReLU,
// MaxPool, Add of two same-shape values, Concat of 2-3 same-size values (joins).
// Values nobody reads are finally joined by GlobalAveragePool + Concat +
// Flatten + Gemm, so every node lies on an input -> output path and the graph
// has one input and one output. Total 10-60 nodes. Shapes stay >= 2x2 for
// image_size >= 8. Channels are 8-32 already, so width_divisor is ignored
// (scaling them could make shapes coincide and change the topology).
//
// Scale: chains of Adds and pools would drift the activations' magnitude, so
// the builder tracks a rough second moment per value and sets each conv's
// gain to 1/sqrt(that of its input): every conv output has variance ~2.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "zoo/models.h"

namespace edgecut::zoo::detail {

namespace {

// Rough statistics of a value, enough to keep magnitudes O(1).
struct Moment {
  double m2 = 1.0;         // E[x^2]
  bool zero_mean = false;  // symmetric around 0 (conv output) or not (after ReLU / max)
};

}  // namespace

Expected<onnx::ModelProto> build_random(uint64_t topology_seed, const Options& o) {
  const std::string name = "random" + std::to_string(topology_seed);
  GraphBuilder b(name, weight_seed(name, o));
  SplitMix64 rng(hash_name("random-topology", topology_seed));
  const int64_t channels[] = {8, 16, 24, 32};
  // Each step raises the final count by at most 3 (the node, its pool, the
  // final Concat), so stopping below `target` keeps the total <= 60.
  const int64_t target = rng.range(10, 57);

  std::vector<std::string> values;  // every produced value, in order
  std::unordered_map<std::string, int> readers;
  std::unordered_map<std::string, Moment> moment = {{"input", {1.0, true}}};
  auto produce = [&](const std::string& v, Moment m) {
    values.push_back(v);
    readers[v] = 0;
    moment[v] = m;
  };
  auto dangling = [&] {
    int64_t d = 0;
    for (const auto& v : values) d += readers[v] == 0;
    return d;
  };
  auto pick = [&]() -> std::string {
    const int64_t n = static_cast<int64_t>(values.size());
    if (rng.uniform() < 0.3) return values[static_cast<size_t>(rng.range(0, n - 1))];
    return values[static_cast<size_t>(n - 1 - rng.range(0, std::min<int64_t>(n - 1, 3)))];
  };
  auto same_hw = [&](const std::string& a, const std::string& c) {
    const Shape& sa = b.shape(a);
    const Shape& sc = b.shape(c);
    return a != c && sa[2] == sc[2] && sa[3] == sc[3];
  };
  // He conv normalised by the input's second moment: output variance ~2.
  auto conv = [&](const std::string& id, const std::string& x, int64_t out, int64_t k, int64_t stride,
                  bool bias) {
    const float gain = static_cast<float>(1.0 / std::sqrt(moment[x].m2));
    produce(b.conv(id, x, out, k, stride, k / 2, 1, bias, gain), {2.0, true});
  };

  const std::string x = b.input("input", {o.batch, 3, o.image_size, o.image_size});
  conv("conv_0", x, 16, 3, 1, false);
  int counter = 1;
  auto final_count = [&] {
    const int64_t d = dangling();
    return b.node_count() + d + (d > 1 ? 1 : 0) + 2;
  };
  while (final_count() < target) {
    const std::string id = std::to_string(counter++);
    const std::string a = pick();
    const Shape sa = b.shape(a);
    const Moment ma = moment[a];
    const double r = rng.uniform();
    if (r < 0.15) {
      ++readers[a];
      produce(b.relu("relu_" + id, a), {ma.zero_mean ? ma.m2 / 2 : ma.m2, false});
      continue;
    }
    if (r < 0.25) {
      ++readers[a];
      // E[max^2] of 4 (9) unit normals is ~1.5 (~2); neighbours are correlated, so less.
      if (sa[2] >= 4) {
        produce(b.max_pool("maxpool_" + id, a, 2, 2), {ma.m2 * 1.5, false});
      } else {
        produce(b.max_pool("maxpool_" + id, a, 3, 1, 1), {ma.m2 * 2.0, false});
      }
      continue;
    }
    if (r < 0.45) {
      std::vector<std::string> same;
      for (const auto& v : values) {
        if (v != a && b.shape(v) == sa) same.push_back(v);
      }
      if (!same.empty()) {
        const std::string c = same[static_cast<size_t>(rng.range(0, ssize(same) - 1))];
        ++readers[a];
        ++readers[c];
        const Moment mc = moment[c];
        produce(b.add("add_" + id, a, c), {ma.m2 + mc.m2, ma.zero_mean && mc.zero_mean});
        continue;
      }
    } else if (r < 0.6) {
      std::vector<std::string> parts = {a};
      int64_t total = sa[1];
      const int64_t want = rng.range(1, 2);
      for (int64_t k = 0; k < 8 && ssize(parts) <= want; ++k) {
        const std::string c = pick();
        bool fresh = true;
        for (const auto& p : parts) fresh = fresh && same_hw(p, c);
        if (fresh && total + b.shape(c)[1] <= 256) {
          parts.push_back(c);
          total += b.shape(c)[1];
        }
      }
      if (parts.size() > 1) {
        Moment m{0.0, true};
        for (const auto& p : parts) {
          ++readers[p];
          m.m2 += moment[p].m2 * static_cast<double>(b.shape(p)[1]) / static_cast<double>(total);
          m.zero_mean = m.zero_mean && moment[p].zero_mean;
        }
        produce(b.concat("concat_" + id, parts), m);
        continue;
      }
    }
    // Conv, also the fallback when no Add / Concat partner exists.
    const int64_t k = rng.uniform() < 0.5 ? 1 : 3;
    const int64_t stride = (sa[2] >= 8 && rng.uniform() < 0.2) ? 2 : 1;
    const int64_t out = channels[rng.range(0, 3)];
    ++readers[a];
    conv("conv_" + id, a, out, k, stride, rng.uniform() < 0.5);
  }

  // Global pooling keeps a ReLU-like value's squared mean (~m2 / pi) but
  // averages a zero-mean one towards 0 (~m2 / (H W), times ~4 for the spatial
  // correlation that convs create); the fc gain follows the pooled estimate.
  std::vector<std::string> pooled;
  double pooled_m2 = 0.0;
  int64_t pooled_channels = 0;
  for (const auto& v : values) {
    if (readers[v] != 0) continue;
    const Shape& s = b.shape(v);
    const Moment& m = moment[v];
    const double hw = static_cast<double>(s[2] * s[3]);
    const double m2 = m.zero_mean ? m.m2 * std::min(1.0, 4.0 / hw) : m.m2 / 3.14159;
    pooled_m2 += m2 * static_cast<double>(s[1]);
    pooled_channels += s[1];
    pooled.push_back(b.global_avg_pool("gap_" + v, v));
  }
  pooled_m2 /= static_cast<double>(pooled_channels);
  std::string y = pooled.size() == 1 ? pooled[0] : b.concat("concat_final", pooled);
  y = b.flatten("flatten", y);
  const float gain = static_cast<float>(1.0 / std::sqrt(pooled_m2));
  return b.finish(b.gemm("fc", y, kClasses, gain));
}

}  // namespace edgecut::zoo::detail
