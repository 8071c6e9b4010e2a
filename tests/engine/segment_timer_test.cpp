// profile::SegmentTimer on the real OpenCV engine: grouped (paired) rounds.
// A recording decorator around the real executor logs the order of runs, so
// the tests check the schedule itself, not timings (which would be flaky).
#include "profile/segment_timer.h"

#include <gtest/gtest.h>

#include <numeric>

#include "engine/engine.h"
#include "engine_test_util.h"
#include "zoo/zoo.h"
#include "zoo_model.h"

namespace edgecut::engine::testing {
namespace {

graph::Model small_resnet() { return edgecut::testing::zoo_model("resnet18"); }

// Forwards to a real executor and records which segment ran, in order.
class Recording final : public exec::Executor {
 public:
  explicit Recording(std::unique_ptr<exec::Executor> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return inner_->name(); }
  int threads() const override { return inner_->threads(); }
  Expected<exec::SegmentId> prepare(const std::vector<graph::NodeId>& nodes) override {
    return inner_->prepare(nodes);
  }
  const graph::SegmentInfo& info(exec::SegmentId id) const override { return inner_->info(id); }
  Status run(exec::SegmentId id, const std::vector<Tensor>& in, std::vector<Tensor>* out) override {
    log.push_back(id);
    return inner_->run(id, in, out);
  }
  Expected<std::vector<double>> last_run_node_ms(exec::SegmentId id) override {
    return inner_->last_run_node_ms(id);
  }
  std::vector<exec::SegmentId> log;

 private:
  std::unique_ptr<exec::Executor> inner_;
};

struct Fixture {
  graph::Model model = small_resnet();
  std::unique_ptr<Recording> ex;
  std::vector<NodeId> all, head, tail;
  Fixture() {
    auto e = make_executor(model, "opencv", 1);
    EXPECT_TRUE(e);
    ex = std::make_unique<Recording>(std::move(*e));
    const Graph& g = model.graph;
    all.resize(g.num_nodes());
    std::iota(all.begin(), all.end(), 0);
    const int cut = g.num_nodes() / 2;
    head.assign(g.topo.begin(), g.topo.begin() + cut);
    tail.assign(g.topo.begin() + cut, g.topo.end());
    std::sort(head.begin(), head.end());
    std::sort(tail.begin(), tail.end());
  }
};

TEST(SegmentTimer, GroupMembersRunBackToBackAndStayAligned) {
  Fixture f;
  profile::SegmentTimer timer(f.ex.get(), &f.model.graph, 1);
  // Two groups sharing the whole net (one prepared segment, two sample sets),
  // and one segment on its own.
  auto w0 = timer.add(f.all, "whole", 1, 0);
  auto h = timer.add(f.head, "head", 1, 0);
  auto t = timer.add(f.tail, "tail", 1, 0);
  auto w1 = timer.add(f.all, "whole", 1, 7);
  auto t1 = timer.add(f.tail, "tail again", 1, 7);
  auto solo = timer.add(f.head, "solo");
  ASSERT_TRUE(w0 && h && t && w1 && t1 && solo);
  profile::MeasureOptions o;
  o.repeat = 4;
  o.warmup = 1;
  o.max_spread = 1e-9;  // every group is "wide": retries must keep groups whole
  o.max_retries = 2;
  f.ex->log.clear();
  ASSERT_TRUE(timer.measure(o).is_ok());
  // Every member of a group has the same number of samples (aligned rounds).
  EXPECT_EQ(timer.samples(*w0).size(), timer.samples(*h).size());
  EXPECT_EQ(timer.samples(*h).size(), timer.samples(*t).size());
  EXPECT_EQ(timer.samples(*w1).size(), timer.samples(*t1).size());
  EXPECT_EQ(timer.samples(*h).size(), static_cast<size_t>(o.repeat * (1 + o.max_retries)));
  EXPECT_EQ(timer.retries(*h), o.max_retries);
  // After the warm-up (one run per member), timed runs come group by group:
  // whole, head, tail contiguous; whole, tail contiguous.
  const auto id_all = *f.ex->prepare(f.all), id_head = *f.ex->prepare(f.head),
             id_tail = *f.ex->prepare(f.tail);
  const size_t warm = 6;
  ASSERT_GT(f.ex->log.size(), warm);
  std::vector<exec::SegmentId> timed(f.ex->log.begin() + warm, f.ex->log.end());
  int group0 = 0, group7 = 0;
  for (size_t i = 0; i < timed.size(); ++i) {
    if (timed[i] != id_all) continue;
    ASSERT_LT(i + 1, timed.size());
    if (timed[i + 1] == id_head) {
      ASSERT_LT(i + 2, timed.size());
      EXPECT_EQ(timed[i + 2], id_tail);
      ++group0;
    } else {
      EXPECT_EQ(timed[i + 1], id_tail);
      ++group7;
    }
  }
  EXPECT_EQ(group0, o.repeat * (1 + o.max_retries));
  EXPECT_EQ(group7, o.repeat * (1 + o.max_retries));
  // Paired ratios: a segment against itself is exactly 1; shares of a pair
  // lie in (0, 1) and are taken per round.
  EXPECT_DOUBLE_EQ(timer.paired_ratio(*h, {*h}, 0.5), 1.0);
  const double share = timer.paired_ratio(*h, {*h, *t}, 0.5);
  EXPECT_GT(share, 0);
  EXPECT_LT(share, 1);
  std::vector<double> per_round;
  for (size_t r = 0; r < timer.samples(*h).size(); ++r) {
    per_round.push_back(timer.samples(*h)[r] / (timer.samples(*h)[r] + timer.samples(*t)[r]));
  }
  EXPECT_DOUBLE_EQ(share, profile::median(per_round));
}

}  // namespace
}  // namespace edgecut::engine::testing
