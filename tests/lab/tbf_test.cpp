#include "lab/tbf.h"

#include <gtest/gtest.h>

#include <cmath>

namespace edgecut {
namespace {

TEST(TbfParams, BurstCoversOneTickAtTheRate) {
  auto p = tbf_params(50e6);
  ASSERT_TRUE(p) << p.status().to_string();
  EXPECT_EQ(p->rate_bps, 50000000u);
  EXPECT_EQ(p->burst_bytes, 25000u);    // 50e6 / 8 / 250
  EXPECT_EQ(p->limit_bytes, 3125000u);  // 0.5 s at 6.25 MB/s
}

TEST(TbfParams, SlowLinksKeepAFullFrameAndAMinimumQueue) {
  auto p = tbf_params(1e6, 0.1);
  ASSERT_TRUE(p) << p.status().to_string();
  EXPECT_EQ(p->burst_bytes, 1600u);
  EXPECT_EQ(p->limit_bytes, 256u * 1024);
}

TEST(TbfParams, RejectsBadRatesAndQueues) {
  for (double bad : {0.0, -1.0, 1e3, 1e12, std::nan("")}) {
    auto p = tbf_params(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  }
  EXPECT_FALSE(tbf_params(10e6, 0));
}

TEST(TbfParams, ReplaceArgvUsesBitsAndBytes) {
  TbfParams p{10000000, 5000, 655360};
  auto argv = tbf_replace_argv("ns", "veth0", p);
  std::vector<std::string> want = {"tc",          "-n",    "ns",     "qdisc", "replace", "dev",
                                   "veth0",       "root",  "handle", "1:",    "tbf",     "rate",
                                   "10000000bit", "burst", "5000",   "limit", "655360"};
  EXPECT_EQ(argv, want);
  EXPECT_EQ(tbf_replace_argv("ns", "veth0", p, 2)[9], "2:");
}

TEST(TbfParams, ParsesTheDropCounter) {
  const std::string out =
      "qdisc tbf 8026: root refcnt 3 rate 1Mbit burst 1600b lat 511ms \n"
      " Sent 4113150 bytes 2741 pkt (dropped 136, overlimits 6399 requeues 0) \n"
      " backlog 0b 0p requeues 0\n";
  auto d = parse_qdisc_dropped(out);
  ASSERT_TRUE(d) << d.status().to_string();
  EXPECT_EQ(*d, 136u);
  EXPECT_FALSE(parse_qdisc_dropped("qdisc noqueue 0: root refcnt 2"));
}

}  // namespace
}  // namespace edgecut
