#include "reports/bench/bench_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/bench/bench_test_helpers.h"

namespace nsm {
namespace {

using bench_tests::Load;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const BenchRow* FindRow(const BenchSection& section, const std::string& subject, int threads) {
  for (const BenchRow& row : section.rows) {
    if (row.subject == subject && row.threads == threads) return &row;
  }
  return nullptr;
}

TEST(Percentile, InterpolatesAndIgnoresOrder) {
  std::vector<double> values = {3, 1, 2, 4};
  EXPECT_DOUBLE_EQ(*Percentile(values, 50), 2.5);
  EXPECT_DOUBLE_EQ(*Percentile(values, 0), 1);
  EXPECT_DOUBLE_EQ(*Percentile(values, 100), 4);
  EXPECT_DOUBLE_EQ(*Percentile(values, 99), 3.97);
  EXPECT_FALSE(Percentile(std::vector<double>{}, 50));
}

TEST(StatsOf, OneRepetitionHasNoSpreadEstimate) {
  BenchEntry entry;
  entry.seconds = {2e-3};
  std::optional<BenchStats> stats = StatsOf(entry);
  ASSERT_TRUE(stats);
  EXPECT_DOUBLE_EQ(stats->median, 2e-3);
  EXPECT_DOUBLE_EQ(*stats->min, 2e-3);
  EXPECT_FALSE(stats->stddev);
  EXPECT_FALSE(stats->Cv());
}

TEST(StatsOf, MedianSpreadAndCv) {
  BenchEntry entry;
  entry.seconds = {1.0, 1.5, 1.2};
  std::optional<BenchStats> stats = StatsOf(entry);
  ASSERT_TRUE(stats);
  EXPECT_DOUBLE_EQ(stats->median, 1.2);
  EXPECT_DOUBLE_EQ(*stats->min, 1.0);
  EXPECT_DOUBLE_EQ(*stats->max, 1.5);
  EXPECT_NEAR(*stats->stddev, 0.2517, 1e-4);
  EXPECT_NEAR(*stats->Cv(), 0.2517 / 1.2333, 1e-3);
}

TEST(FormatSeconds, ThreeSignificantDigitsInTheRightUnit) {
  EXPECT_EQ(FormatSeconds(95.3e-6), "95.3 µs");
  EXPECT_EQ(FormatSeconds(1.2449e-3), "1.24 ms");
  EXPECT_EQ(FormatSeconds(0.999999e-3), "1.00 ms");
  EXPECT_EQ(FormatSeconds(250e-3), "250 ms");
  EXPECT_EQ(FormatSeconds(2.1), "2.10 s");
  EXPECT_EQ(FormatSeconds(500e-9), "500 ns");
  EXPECT_EQ(FormatSeconds(0), "0.00 ns");
  EXPECT_EQ(FormatRatio(1.2345), "1.23x");
}

TEST(BuildBenchReport, SectionsInFixedOrderWithRatiosToNoNamespace) {
  BenchReport report = BuildBenchReport(Load("small.json"));
  ASSERT_EQ(report.sections.size(), 4u);
  std::vector<std::string> ids;
  for (const BenchSection& s : report.sections) ids.push_back(s.id);
  EXPECT_THAT(ids, ElementsAre("create", "sustained", "unshare", "setns"));
  EXPECT_EQ(report.repetitions, 3);

  const BenchSection& create = report.sections[0];
  EXPECT_TRUE(create.MultipleThreadCounts());
  const BenchRow* net = FindRow(create, "net", 1);
  ASSERT_NE(net, nullptr);
  ASSERT_TRUE(net->stats);
  EXPECT_DOUBLE_EQ(net->stats->median, 1200e-6);
  ASSERT_TRUE(net->vs_baseline);
  EXPECT_NEAR(*net->vs_baseline, 1200.0 / 110.0, 1e-9);
  // Two threads are compared with two threads.
  const BenchRow* net2 = FindRow(create, "net", 2);
  ASSERT_NE(net2, nullptr);
  EXPECT_NEAR(*net2->vs_baseline, 3200.0 / 160.0, 1e-9);
  const BenchRow* time = FindRow(create, "time", 1);
  ASSERT_NE(time, nullptr);
  EXPECT_FALSE(time->stats);
  EXPECT_TRUE(time->unsupported);
  EXPECT_EQ(time->problem, "clone3(CLONE_NEWTIME): EINVAL (Invalid argument)");

  const BenchSection& setns = report.sections[3];
  EXPECT_TRUE(setns.baseline.empty());
  EXPECT_FALSE(FindRow(setns, "mnt", 1)->vs_baseline);
}

TEST(BuildBenchReport, SustainedRowsCarryCounterMediansAndK) {
  BenchReport report = BuildBenchReport(Load("small.json"));
  const BenchSection& sustained = report.sections[1];
  EXPECT_TRUE(sustained.rates);
  EXPECT_THAT(sustained.description, HasSubstr("200 times"));
  const BenchRow* net = FindRow(sustained, "net", 1);
  ASSERT_NE(net, nullptr);
  EXPECT_DOUBLE_EQ(net->counters.at("p99_us"), 4500);
  EXPECT_DOUBLE_EQ(net->counters.at("items_per_second"), 645);
}

TEST(BuildBenchReport, LaunchAndMatrixOverheadsAgainstTargets) {
  BenchReport report = BuildBenchReport(Load("small.json"));
  ASSERT_EQ(report.launch.size(), 2u);
  EXPECT_EQ(report.launch[0].what, "none");
  EXPECT_NEAR(*report.launch[0].ratio, 0.45 / 0.30, 1e-9);
  EXPECT_FALSE(report.launch[0].Met());
  EXPECT_EQ(report.launch[1].what, "story");
  EXPECT_NEAR(*report.launch[1].ratio, 1.3 / 1.1, 1e-9);
  EXPECT_TRUE(report.launch[1].Met());
  EXPECT_NEAR(*report.WorstLaunchRatio(), 1.5, 1e-9);

  ASSERT_EQ(report.matrix.size(), 2u);
  EXPECT_NEAR(*report.matrix[0].ratio, 520.0 / 210.0, 1e-9);
  EXPECT_TRUE(report.matrix[0].Met());
  EXPECT_NEAR(*report.matrix[1].ratio, 520.0 / 160.0, 1e-9);
  EXPECT_FALSE(report.matrix[1].Met());
  ASSERT_TRUE(report.peak_rss_mib);
  EXPECT_DOUBLE_EQ(*report.peak_rss_mib, 26.3);
}

TEST(BuildBenchReport, SkippedAndFailedAreListedSeparately) {
  BenchReport report = BuildBenchReport(Load("small.json"));
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_THAT(report.skipped[0], HasSubstr("BM_Create/time"));
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_THAT(report.failed[0], HasSubstr("BM_Setns/user"));
  EXPECT_THAT(report.failed[0], HasSubstr("EPERM"));
}

TEST(BuildBenchReport, AMissingFloorIsAProblemNotARatio) {
  BenchResultsBuilder builder;
  builder.Add({"BM_Launch/net/real_time", false, "", 1, 2e-3, "net", std::nullopt, {}});
  builder.Add({"BM_LaunchFloor/net/real_time",
               false,
               "",
               1,
               0,
               "net",
               std::string("unsupported: clone3(CLONE_NEWNET): EINVAL"),
               {}});
  BenchReport report = BuildBenchReport(builder.Take({}));
  ASSERT_EQ(report.launch.size(), 1u);
  EXPECT_FALSE(report.launch[0].ratio);
  EXPECT_EQ(report.launch[0].problem, "clone3(CLONE_NEWNET): EINVAL");
  EXPECT_FALSE(report.WorstLaunchRatio());
  EXPECT_TRUE(report.matrix.empty());
}

TEST(BuildBenchReport, APairedFloorIsTakenFromTheHarnessBenchmark) {
  BenchResultsBuilder builder;
  std::string counter(kPairedFloorCounter);
  // Harness and floor per repetition; the medians are 2.0 and 1.2 ms.
  for (auto [harness, floor] : {std::pair{1.0e-3, 1.0e-3}, {2.0e-3, 1.2e-3}, {3.0e-3, 2.0e-3}}) {
    builder.Add({"BM_Launch/none/manual_time",
                 false,
                 "",
                 1,
                 harness,
                 "none",
                 std::nullopt,
                 {{counter, floor}}});
  }
  // A separate floor in the same file is not used once the pair is there.
  builder.Add({"BM_LaunchFloor/none/real_time", false, "", 1, 0.1e-3, "none", std::nullopt, {}});
  builder.Add({"BM_Matrix256/jobs:1/manual_time",
               false,
               "",
               1,
               0.5,
               "",
               std::nullopt,
               {{counter, 0.25}, {"peak_rss_MiB", 20}}});
  BenchReport report = BuildBenchReport(builder.Take({}));
  ASSERT_EQ(report.launch.size(), 1u);
  const OverheadRow& launch = report.launch[0];
  EXPECT_TRUE(launch.paired);
  ASSERT_TRUE(launch.ratio);
  EXPECT_NEAR(*launch.ratio, 2.0 / 1.2, 1e-9);
  EXPECT_NEAR(*launch.harness_seconds, 2.0e-3, 1e-12);
  EXPECT_NEAR(*launch.floor_seconds, 1.2e-3, 1e-12);
  ASSERT_EQ(report.matrix.size(), 1u);
  EXPECT_TRUE(report.matrix[0].paired);
  ASSERT_TRUE(report.matrix[0].ratio);
  EXPECT_NEAR(*report.matrix[0].ratio, 2.0, 1e-9);
  EXPECT_TRUE(report.matrix[0].Met());  // 2.0x, within 2.5x
}

// A runtime's launch against its paired floor and against nsmatrix's own
// launch of the same set; a runtime that is not installed gives no row.
TEST(BuildBenchReport, RuntimeLaunchesAgainstTheFloorAndTheNativeLaunch) {
  BenchResultsBuilder builder;
  std::string counter(kPairedFloorCounter);
  builder.Add({"BM_Launch/docker/manual_time", false, "", 1, 3.0e-3, "docker", std::nullopt, {}});
  builder.Add({"BM_RuntimeLaunch/bwrap:docker/manual_time",
               false,
               "",
               1,
               9.0e-3,
               "bwrap:docker",
               std::nullopt,
               {{counter, 2.0e-3}}});
  builder.Add({"BM_RuntimeLaunch/unshare:docker/manual_time",
               false,
               "",
               1,
               0,
               "unshare:docker",
               std::string(kUnsupportedPrefix) + "find unshare: not on PATH",
               {}});
  BenchReport report = BuildBenchReport(builder.Take({}));
  ASSERT_EQ(report.runtime_launch.size(), 1u);
  const OverheadRow& row = report.runtime_launch[0];
  EXPECT_EQ(row.what, "bwrap:docker");
  ASSERT_TRUE(row.ratio && row.vs_native);
  EXPECT_NEAR(*row.ratio, 4.5, 1e-9);
  EXPECT_NEAR(*row.vs_native, 3.0, 1e-9);
  EXPECT_EQ(report.skipped.size(), 1u);
}

TEST(BuildBenchReport, EmptyResultsGiveAnEmptyReport) {
  BenchReport report = BuildBenchReport(BenchResults{});
  EXPECT_TRUE(report.sections.empty());
  EXPECT_TRUE(report.launch.empty());
  EXPECT_FALSE(report.peak_rss_mib);
}

TEST(DescribeMachine, SaysWhatIsKnown) {
  BenchContext context;
  EXPECT_EQ(DescribeMachine(context), "unknown kernel");
  context.kernel = "6.18.44";
  context.cpus = 2;
  context.host = "vm";
  context.date = "2026-11-30";
  EXPECT_EQ(DescribeMachine(context), "Linux 6.18.44 on 2 CPUs (host vm), 2026-11-30");
}

}  // namespace
}  // namespace nsm
