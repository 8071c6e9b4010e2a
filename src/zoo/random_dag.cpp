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
#include <cmath>
#include <string>
#include <vector>

#include "zoo/models.h"

namespace edgecut::zoo::detail {

Expected<onnx::ModelProto> build_random(uint64_t topology_seed, const Options& o) {
  const std::string name = "random" + std::to_string(topology_seed);
  GraphBuilder b(name, weight_seed(name, o));
  SplitMix64 rng(hash_name("random-topology", topology_seed));
  const int64_t channels[] = {8, 16, 24, 32};
  // Each step raises the final count by at most 3 (the node, its pool, the
  // final Concat), so stopping below `target` keeps the total <= 60.
  const int64_t target = rng.range(10, 57);

  std::vector<std::string> values;  // every produced value, in order
  std::vector<int> readers;         // how many nodes read values[i]
  auto produce = [&](const std::string& v) {
    values.push_back(v);
    readers.push_back(0);
  };
  auto index_of = [&](const std::string& v) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] == v) return static_cast<int>(i);
    }
    return -1;
  };
  auto read = [&](const std::string& v) { ++readers[static_cast<size_t>(index_of(v))]; };
  auto dangling = [&] {
    int64_t d = 0;
    for (int r : readers) d += r == 0;
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

  std::string x = b.input("input", {o.batch, 3, o.image_size, o.image_size});
  produce(b.conv("conv_0", x, 16, 3, 1, 1));
  int counter = 1;
  auto final_count = [&] {
    const int64_t d = dangling();
    return b.node_count() + d + (d > 1 ? 1 : 0) + 2;
  };
  while (final_count() < target) {
    const std::string id = std::to_string(counter++);
    const std::string a = pick();
    const Shape sa = b.shape(a);
    const double r = rng.uniform();
    if (r < 0.15) {
      read(a);
      produce(b.relu("relu_" + id, a));
      continue;
    }
    if (r < 0.25) {
      read(a);
      if (sa[2] >= 4) {
        produce(b.max_pool("maxpool_" + id, a, 2, 2));
      } else {
        produce(b.max_pool("maxpool_" + id, a, 3, 1, 1));
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
        read(a);
        read(c);
        produce(b.add("add_" + id, a, c));
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
        for (const auto& p : parts) read(p);
        produce(b.concat("concat_" + id, parts));
        continue;
      }
    }
    // Conv, also the fallback when no Add / Concat partner exists.
    const int64_t k = rng.uniform() < 0.5 ? 1 : 3;
    const int64_t stride = (sa[2] >= 8 && rng.uniform() < 0.2) ? 2 : 1;
    const int64_t out = channels[rng.range(0, 3)];
    read(a);
    produce(b.conv("conv_" + id, a, out, k, stride, k / 2, 1, rng.uniform() < 0.5));
  }

  std::vector<std::string> pooled;
  for (size_t i = 0; i < values.size(); ++i) {
    if (readers[i] == 0) pooled.push_back(b.global_avg_pool("gap_" + values[i], values[i]));
  }
  x = pooled.size() == 1 ? pooled[0] : b.concat("concat_final", pooled);
  x = b.flatten("flatten", x);
  return b.finish(b.gemm("fc", x, kClasses, static_cast<float>(std::sqrt(0.5))));
}

}  // namespace edgecut::zoo::detail
