// runtime/ModelStore in-process: the tail cache's eviction, its memory bound,
// and its LRU order, with real tails built by the default engine on a small
// built-in model.
#include "runtime/model_store.h"

#include <gtest/gtest.h>

#include <chrono>

#include "graph/segment.h"
#include "net/tail_name.h"
#include "zoo_model.h"

namespace edgecut::runtime {
namespace {

// Tails of "m" (googlenet, 32 px, channels / 8): the first k nodes of the
// topological order on the edge, and their weight bytes. Tail t(i) leaves
// 16 - 2i nodes to the cloud: later ones are smaller (subsets), and all hold
// the classifier, the bulk of the weights, so any two outweigh any one.
struct Fixture {
  graph::Model model = edgecut::testing::zoo_model("googlenet");
  const graph::Graph& g = model.graph;
  int t(int i) const { return g.num_nodes() - 2 * (8 - i); }

  std::vector<graph::NodeId> edge_set(int k) const {
    std::vector<char> mask(g.num_nodes(), 0);
    for (int i = 0; i < k; ++i) mask[g.topo[i]] = 1;
    return graph::mask_nodes(mask);
  }
  std::string name(int k) const { return net::tail_model_name("m", edge_set(k)); }
  int64_t bytes(int k) const { return graph::segment_weight_bytes(g, graph::complement(g, edge_set(k))); }
  Status load(ModelStore& s, int k) const {
    return s.load_tail(name(k), net::format_node_ranges(edge_set(k)), g.structure_hash());
  }
  std::shared_ptr<ModelStore> store(int64_t cache_bytes) const {
    StoreOptions o;
    o.tail_cache_bytes = cache_bytes;
    auto s = std::make_shared<ModelStore>(o);
    EXPECT_TRUE(s->add_model("m", model).is_ok());
    return s;
  }
};

bool loaded(const ModelStore& s, const std::string& name) { return s.find(name).has_value(); }

TEST(ModelStore, EvictionSkipsTailsThatARequestHolds) {
  Fixture f;
  const int a = f.t(0), b = f.t(1), c = f.t(2), d = f.t(3);
  ASSERT_GT(f.bytes(b), f.bytes(c));
  ASSERT_GT(f.bytes(c) + f.bytes(d), f.bytes(b)) << "fixture: two tails must outweigh one";
  auto s = f.store(f.bytes(a) + f.bytes(b));  // room for two tails
  ASSERT_TRUE(f.load(*s, a).is_ok());
  // A request holds the oldest tail, as CloudServer does during an infer.
  auto held = s->find(f.name(a));
  ASSERT_TRUE(held);
  ASSERT_TRUE(f.load(*s, b).is_ok());
  ASSERT_TRUE(f.load(*s, c).is_ok());
  // The held tail is the least recently used but in use: the next one goes.
  EXPECT_TRUE(loaded(*s, f.name(a))) << "a tail a request holds was evicted";
  EXPECT_FALSE(loaded(*s, f.name(b)));
  EXPECT_TRUE(loaded(*s, f.name(c)));
  EXPECT_EQ(s->cached_tail_bytes(), f.bytes(a) + f.bytes(c));
  // Once released, it is evictable again; the one now held is not.
  held = s->find(f.name(c));
  ASSERT_TRUE(held);
  ASSERT_TRUE(f.load(*s, d).is_ok());
  EXPECT_FALSE(loaded(*s, f.name(a)));
  EXPECT_TRUE(loaded(*s, f.name(c)));
  EXPECT_TRUE(loaded(*s, f.name(d)));
}

TEST(ModelStore, MemoryBoundHoldsWhenNothingIsInUse) {
  Fixture f;
  const int64_t cap = f.bytes(f.t(0)) + f.bytes(f.t(1));
  auto s = f.store(cap);
  int64_t all = 0;
  for (int i = 0; i < 7; ++i) {
    const int k = f.t(i);
    ASSERT_TRUE(f.load(*s, k).is_ok()) << k;
    EXPECT_LE(s->cached_tail_bytes(), cap) << "after loading t(" << i << ")";
    EXPECT_TRUE(loaded(*s, f.name(k)));  // the tail just loaded always stays
    all += f.bytes(k);
  }
  EXPECT_LT(s->cached_tail_bytes(), all) << "nothing was evicted";
  int64_t sum = 0;
  for (const IndexEntry& e : s->index()) {
    for (int i = 0; i < 7; ++i) sum += e.name == f.name(f.t(i)) ? f.bytes(f.t(i)) : 0;
  }
  EXPECT_EQ(sum, s->cached_tail_bytes()) << "the byte count must match the tails listed";
}

TEST(ModelStore, OverTheBoundWhileEverythingIsHeldThenBackUnderIt) {
  Fixture f;
  auto s = f.store(f.bytes(f.t(0)));  // room for one tail
  std::vector<std::shared_ptr<const Servable>> held;
  int64_t sum = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(f.load(*s, f.t(i)).is_ok());
    auto t = s->find(f.name(f.t(i)));
    ASSERT_TRUE(t);
    held.push_back(*t);
    sum += f.bytes(f.t(i));
  }
  // Documented: held tails stay, so the cache is over its bound.
  EXPECT_EQ(s->cached_tail_bytes(), sum);
  held.clear();
  // The next load evicts what nobody holds any more, down to the bound.
  ASSERT_TRUE(f.load(*s, f.t(3)).is_ok());
  EXPECT_EQ(s->cached_tail_bytes(), f.bytes(f.t(3)));
  held.push_back(*s->find(f.name(f.t(3))));
  ASSERT_TRUE(f.load(*s, f.t(4)).is_ok());
  EXPECT_EQ(s->cached_tail_bytes(), f.bytes(f.t(3)) + f.bytes(f.t(4)));
  held.clear();
  // An unload evicts too.
  ASSERT_TRUE(s->unload(f.name(f.t(4))).is_ok());
  EXPECT_EQ(s->cached_tail_bytes(), f.bytes(f.t(3)));
}

TEST(ModelStore, FindTouchesTheLruOrder) {
  Fixture f;
  const int a = f.t(0), b = f.t(1), c = f.t(2);
  auto s = f.store(f.bytes(a) + f.bytes(b));
  ASSERT_TRUE(f.load(*s, a).is_ok());
  ASSERT_TRUE(f.load(*s, b).is_ok());
  ASSERT_TRUE(s->find(f.name(a)));  // a is now the most recent
  ASSERT_TRUE(f.load(*s, c).is_ok());
  EXPECT_TRUE(loaded(*s, f.name(a)));
  EXPECT_FALSE(loaded(*s, f.name(b)));
  EXPECT_TRUE(loaded(*s, f.name(c)));
}

// Sanity, not a benchmark: a touch must not walk the LRU order. Lookups of
// the oldest tail among many cost about what they cost among two (a list
// walk per lookup, as before, made them several times slower at 120 tails).
TEST(ModelStore, TouchDoesNotWalkTheLruOrderSanity) {
  Fixture f;
  auto s = f.store(int64_t{1} << 40);
  auto lookups_ns = [&](const std::string& a, const std::string& b) {
    double best = 1e18;
    for (int round = 0; round < 5; ++round) {  // the least of 5: a busy machine adds, never takes
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < 4000; ++i) {
        EXPECT_TRUE(s->find(i % 2 ? a : b));  // alternate: each touch moves a tail to the front
      }
      best = std::min(
          best, std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count());
    }
    return best / 4000;
  };
  const int last = f.g.num_nodes() - 1;  // tails of the last 1, 2, ... nodes: small and quick to build
  ASSERT_TRUE(f.load(*s, last).is_ok());
  ASSERT_TRUE(f.load(*s, last - 1).is_ok());
  const double few = lookups_ns(f.name(last), f.name(last - 1));
  const int n = std::min(120, last);
  for (int i = 2; i < n; ++i) ASSERT_TRUE(f.load(*s, last - i).is_ok());
  const double many = lookups_ns(f.name(last), f.name(last - 1));
  EXPECT_LT(many, 3 * few + 300) << "lookups among " << n << " tails: " << many << " ns, among 2: " << few;
}

}  // namespace
}  // namespace edgecut::runtime
