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

// The growing network: values in order, their readers and moments, and the
// builder. Every random draw goes through rng_ in a fixed order, so the
// topology stays a pure function of the seed.
class RandomCnn {
 public:
  RandomCnn(const std::string& name, const Options& o, uint64_t topology_seed)
      : b_(name, weight_seed(name, o)), rng_(hash_name("random-topology", topology_seed)) {}

  Expected<onnx::ModelProto> build(const Options& o) {
    // Each step raises the final count by at most 3 (the node, its pool, the
    // final Concat), so stopping below `target` keeps the total <= 60.
    const int64_t target = rng_.range(10, 57);
    moment_["input"] = {1.0, true};
    const std::string x = b_.input("input", {o.batch, 3, o.image_size, o.image_size});
    conv("conv_0", x, 16, 3, 1, false);
    for (int counter = 1; final_count() < target; ++counter) step(std::to_string(counter));
    return finish();
  }

 private:
  void produce(const std::string& v, Moment m) {
    values_.push_back(v);
    readers_[v] = 0;
    moment_[v] = m;
  }
  int64_t dangling() {
    int64_t d = 0;
    for (const auto& v : values_) d += readers_[v] == 0;
    return d;
  }
  int64_t final_count() {
    const int64_t d = dangling();
    return b_.node_count() + d + (d > 1 ? 1 : 0) + 2;
  }
  std::string pick() {
    const int64_t n = static_cast<int64_t>(values_.size());
    if (rng_.uniform() < 0.3) return values_[static_cast<size_t>(rng_.range(0, n - 1))];
    return values_[static_cast<size_t>(n - 1 - rng_.range(0, std::min<int64_t>(n - 1, 3)))];
  }
  bool same_hw(const std::string& a, const std::string& c) {
    const Shape& sa = b_.shape(a);
    const Shape& sc = b_.shape(c);
    return a != c && sa[2] == sc[2] && sa[3] == sc[3];
  }
  // He conv normalised by the input's second moment: output variance ~2.
  void conv(const std::string& id, const std::string& x, int64_t out, int64_t k, int64_t stride, bool bias) {
    const float gain = static_cast<float>(1.0 / std::sqrt(moment_[x].m2));
    produce(b_.conv(id, x, out, k, stride, k / 2, 1, bias, gain), {2.0, true});
  }

  // Appends one node reading `a` (and maybe others).
  void step(const std::string& id) {
    const std::string a = pick();
    const Shape sa = b_.shape(a);
    const Moment ma = moment_[a];
    const double r = rng_.uniform();
    if (r < 0.15) {
      ++readers_[a];
      produce(b_.relu("relu_" + id, a), {ma.zero_mean ? ma.m2 / 2 : ma.m2, false});
      return;
    }
    if (r < 0.25) {
      ++readers_[a];
      // E[max^2] of 4 (9) unit normals is ~1.5 (~2); neighbours are correlated, so less.
      if (sa[2] >= 4) {
        produce(b_.max_pool("maxpool_" + id, a, 2, 2), {ma.m2 * 1.5, false});
      } else {
        produce(b_.max_pool("maxpool_" + id, a, 3, 1, 1), {ma.m2 * 2.0, false});
      }
      return;
    }
    if (r < 0.45 && try_add(id, a)) return;
    if (r >= 0.45 && r < 0.6 && try_concat(id, a)) return;
    // Conv, also the fallback when no Add / Concat partner exists.
    const int64_t k = rng_.uniform() < 0.5 ? 1 : 3;
    const int64_t stride = (sa[2] >= 8 && rng_.uniform() < 0.2) ? 2 : 1;
    const int64_t out = kChannels[rng_.range(0, 3)];
    ++readers_[a];
    conv("conv_" + id, a, out, k, stride, rng_.uniform() < 0.5);
  }

  bool try_add(const std::string& id, const std::string& a) {
    const Shape sa = b_.shape(a);
    std::vector<std::string> same;
    for (const auto& v : values_) {
      if (v != a && b_.shape(v) == sa) same.push_back(v);
    }
    if (same.empty()) return false;
    const std::string c = same[static_cast<size_t>(rng_.range(0, ssize(same) - 1))];
    ++readers_[a];
    ++readers_[c];
    const Moment ma = moment_[a];
    const Moment mc = moment_[c];
    produce(b_.add("add_" + id, a, c), {ma.m2 + mc.m2, ma.zero_mean && mc.zero_mean});
    return true;
  }

  bool try_concat(const std::string& id, const std::string& a) {
    std::vector<std::string> parts = {a};
    int64_t total = b_.shape(a)[1];
    const int64_t want = rng_.range(1, 2);
    for (int64_t k = 0; k < 8 && ssize(parts) <= want; ++k) {
      const std::string c = pick();
      bool fresh = true;
      for (const auto& p : parts) fresh = fresh && same_hw(p, c);
      if (fresh && total + b_.shape(c)[1] <= 256) {
        parts.push_back(c);
        total += b_.shape(c)[1];
      }
    }
    if (parts.size() <= 1) return false;
    Moment m{0.0, true};
    for (const auto& p : parts) {
      ++readers_[p];
      m.m2 += moment_[p].m2 * static_cast<double>(b_.shape(p)[1]) / static_cast<double>(total);
      m.zero_mean = m.zero_mean && moment_[p].zero_mean;
    }
    produce(b_.concat("concat_" + id, parts), m);
    return true;
  }

  // Global pooling keeps a ReLU-like value's squared mean (~m2 / pi) but
  // averages a zero-mean one towards 0 (~m2 / (H W), times ~4 for the spatial
  // correlation that convs create); the fc gain follows the pooled estimate.
  Expected<onnx::ModelProto> finish() {
    std::vector<std::string> pooled;
    double pooled_m2 = 0.0;
    int64_t pooled_channels = 0;
    for (const auto& v : values_) {
      if (readers_[v] != 0) continue;
      const Shape& s = b_.shape(v);
      const Moment& m = moment_[v];
      const double hw = static_cast<double>(s[2] * s[3]);
      const double m2 = m.zero_mean ? m.m2 * std::min(1.0, 4.0 / hw) : m.m2 / 3.14159;
      pooled_m2 += m2 * static_cast<double>(s[1]);
      pooled_channels += s[1];
      pooled.push_back(b_.global_avg_pool("gap_" + v, v));
    }
    pooled_m2 /= static_cast<double>(pooled_channels);
    std::string y = pooled.size() == 1 ? pooled[0] : b_.concat("concat_final", pooled);
    y = b_.flatten("flatten", y);
    const float gain = static_cast<float>(1.0 / std::sqrt(pooled_m2));
    return b_.finish(b_.gemm("fc", y, kClasses, gain));
  }

  static constexpr int64_t kChannels[] = {8, 16, 24, 32};
  GraphBuilder b_;
  SplitMix64 rng_;
  std::vector<std::string> values_;  // every produced value, in order
  std::unordered_map<std::string, int> readers_;
  std::unordered_map<std::string, Moment> moment_;
};

}  // namespace

Expected<onnx::ModelProto> build_random(uint64_t topology_seed, const Options& o) {
  const std::string name = "random" + std::to_string(topology_seed);
  return RandomCnn(name, o, topology_seed).build(o);
}

}  // namespace edgecut::zoo::detail
