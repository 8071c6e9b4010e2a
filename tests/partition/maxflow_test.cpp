#include "partition/maxflow.h"

#include <gtest/gtest.h>

#include <random>

namespace edgecut::partition {
namespace {

TEST(MaxFlow, AgreesWithLemonPreflowOnRandomNetworks) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 2000; ++trial) {
    int n = 2 + static_cast<int>(rng() % 30);
    int m = static_cast<int>(rng() % (4 * n));
    MaxFlow mf;
    mf.reset(n);
    for (int i = 0; i < m; ++i) {
      int u = static_cast<int>(rng() % n), v = static_cast<int>(rng() % n);
      if (u == v) continue;
      mf.add_arc(u, v, static_cast<int64_t>(rng() % 1000));
    }
    auto arcs = mf.arcs();
    int64_t ours = mf.run(0, n - 1);
    ASSERT_EQ(ours, lemon_max_flow(n, arcs, 0, n - 1)) << "trial " << trial;
    // The source side is a cut whose capacity equals the flow.
    const auto& side = mf.source_side();
    int64_t cut = 0;
    for (const auto& a : arcs) cut += (side[a.u] && !side[a.v]) ? a.cap : 0;
    ASSERT_EQ(cut, ours);
    ASSERT_TRUE(side[0]);
    ASSERT_FALSE(side[n - 1]);
  }
}

}  // namespace
}  // namespace edgecut::partition
