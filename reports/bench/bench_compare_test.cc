#include "reports/bench/bench_compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/bench/bench_test_helpers.h"

namespace nsm {
namespace {

using bench_tests::Load;
using ::testing::Contains;
using ::testing::HasSubstr;

const ComparisonRow* FindRow(const BenchComparison& c, const std::string& name) {
  for (const ComparisonRow& row : c.rows) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

TEST(CompareBench, ASlowerNamespaceIsFlagged) {
  BenchComparison c = CompareBench(Load("small.json"), Load("net_slower.json"), 1.5);
  const ComparisonRow* net = FindRow(c, "BM_Create/net/real_time/threads:1");
  ASSERT_NE(net, nullptr);
  EXPECT_NEAR(net->ratio, 2.0, 1e-9);
  EXPECT_TRUE(net->slower);
  EXPECT_EQ(c.SlowerCount(), 1);
  const ComparisonRow* none = FindRow(c, "BM_Create/none/real_time/threads:1");
  ASSERT_NE(none, nullptr);
  EXPECT_DOUBLE_EQ(none->ratio, 1.0);
  EXPECT_FALSE(none->slower);
  EXPECT_EQ(c.new_context.kernel, "6.19.0");
}

TEST(CompareBench, ABenchmarkInOneRunOnlyOrWithoutNumbersIsListed) {
  BenchComparison c = CompareBench(Load("small.json"), Load("net_slower.json"), 1.5);
  EXPECT_THAT(c.only_old, Contains("BM_Create/story/real_time/threads:1"));
  EXPECT_THAT(c.only_new, Contains("BM_Create/ipc/real_time/threads:1"));
  ASSERT_EQ(c.not_compared.size(), 2u);
  EXPECT_THAT(c.not_compared[0], HasSubstr("BM_Create/time"));
  EXPECT_FALSE(FindRow(c, "BM_Setns/user/manual_time"));
}

TEST(CompareBench, WhatTheNewRunNoLongerMeasuresIsLost) {
  BenchComparison c = CompareBench(Load("small.json"), Load("net_slower.json"), 1.5);
  // story: measured before, absent now. Both are regressions, like a slower one.
  EXPECT_THAT(c.lost, Contains("BM_Create/story/real_time/threads:1"));
  for (const std::string& name : c.lost) EXPECT_EQ(name.find("BM_Create/ipc"), std::string::npos);
  BenchComparison same = CompareBench(Load("small.json"), Load("small.json"), 1.5);
  EXPECT_TRUE(same.lost.empty());
}

TEST(CompareBench, ThresholdDecides) {
  BenchComparison c = CompareBench(Load("small.json"), Load("net_slower.json"), 2.5);
  EXPECT_EQ(c.SlowerCount(), 0);
  // Faster is the reverse direction.
  BenchComparison back = CompareBench(Load("net_slower.json"), Load("small.json"), 1.5);
  EXPECT_EQ(back.SlowerCount(), 0);
  EXPECT_TRUE(FindRow(back, "BM_Create/net/real_time/threads:1")->faster);
}

TEST(CompareBench, MediansFromAggregatesOnlyOutputCompareToo) {
  BenchComparison c =
      CompareBench(Load("aggregates_only.json"), Load("aggregates_net_slower.json"), 1.5);
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.SlowerCount(), 1);
  EXPECT_TRUE(c.rows[1].slower);
  EXPECT_NEAR(c.rows[1].ratio, 2.0, 1e-9);
}

TEST(CompareBench, ARunAgainstItselfHasNothingSlower) {
  BenchResults results = Load("small.json");
  BenchComparison c = CompareBench(results, results, 1.01);
  EXPECT_EQ(c.SlowerCount(), 0);
  EXPECT_TRUE(c.only_old.empty());
  EXPECT_TRUE(c.only_new.empty());
  EXPECT_EQ(c.rows.size(), 17u);
}

}  // namespace
}  // namespace nsm
