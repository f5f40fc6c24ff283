#include "reports/bench/bench_results.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "reports/bench/bench_stats.h"
#include "reports/bench/bench_test_helpers.h"

namespace nsm {
namespace {

using bench_tests::Load;
using bench_tests::TestdataPath;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SplitBenchName, FamilyAndSubjectWithoutLibrarySuffixes) {
  BenchName name = SplitBenchName("BM_Create/story/real_time/threads:2");
  EXPECT_EQ(name.family, "BM_Create");
  EXPECT_EQ(name.subject, "story");
  name = SplitBenchName("BM_Floor256/jobs:1/real_time");
  EXPECT_EQ(name.family, "BM_Floor256");
  EXPECT_EQ(name.subject, "jobs:1");
  name = SplitBenchName("BM_Matrix256/real_time");
  EXPECT_EQ(name.family, "BM_Matrix256");
  EXPECT_EQ(name.subject, "");
  name = SplitBenchName("BM_Unshare/net/manual_time/repeats:5");
  EXPECT_EQ(name.subject, "net");
}

TEST(ParseBenchJson, ReadsEveryBenchmarkInOrderWithTimesInSeconds) {
  BenchResults results = Load("small.json");
  ASSERT_EQ(results.entries.size(), 19u);
  const BenchEntry& first = results.entries[0];
  EXPECT_EQ(first.name, "BM_Create/none/real_time/threads:1");
  EXPECT_EQ(first.family, "BM_Create");
  EXPECT_EQ(first.subject, "none");
  EXPECT_EQ(first.threads, 1);
  ASSERT_EQ(first.seconds.size(), 3u);
  EXPECT_DOUBLE_EQ(first.seconds[0], 100e-6);
  EXPECT_DOUBLE_EQ(first.seconds[1], 120e-6);
  ASSERT_TRUE(first.aggregate_median);
  EXPECT_DOUBLE_EQ(*first.aggregate_median, 110e-6);
  EXPECT_EQ(results.entries.back().name, "BM_Matrix256/real_time");

  const BenchEntry* two = results.Find("BM_Create", "none", 2);
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->threads, 2);
  const BenchEntry* story = results.Find("BM_Create", "story", 1);
  ASSERT_NE(story, nullptr);
  EXPECT_EQ(story->label, "mnt+uts+ipc+net+pid+user");
  const BenchEntry* unshare = results.Find("BM_Unshare/uts/manual_time");
  ASSERT_NE(unshare, nullptr);
  EXPECT_DOUBLE_EQ(unshare->seconds[0], 1000e-9);
}

TEST(ParseBenchJson, CountersAndContext) {
  BenchResults results = Load("small.json");
  const BenchEntry* sustained = results.Find("BM_Sustained", "net", 1);
  ASSERT_NE(sustained, nullptr);
  EXPECT_THAT(sustained->counters.at("p99_us"), ElementsAre(4000, 5000, 4500));
  EXPECT_FALSE(sustained->counters.contains("iterations"));
  EXPECT_FALSE(sustained->counters.contains("cpu_time"));
  EXPECT_EQ(results.context.kernel, "6.18.44");
  EXPECT_EQ(results.context.cpus, 2);
  EXPECT_EQ(results.context.host, "vm");
  EXPECT_EQ(results.context.date, "2026-11-30T15:00:00+00:00");
  EXPECT_EQ(results.context.extra.at("nsm_sustained"), "200");
  EXPECT_EQ(results.context.extra.at("nsmatrix_version"), "0.1.0");
}

TEST(ParseBenchJson, SkippedAndFailedBenchmarksKeepTheirReason) {
  BenchResults results = Load("small.json");
  const BenchEntry* time = results.Find("BM_Create", "time", 1);
  ASSERT_NE(time, nullptr);
  EXPECT_TRUE(time->Unsupported());
  EXPECT_FALSE(time->Failed());
  EXPECT_THAT(time->error, HasSubstr("CLONE_NEWTIME"));
  EXPECT_TRUE(time->seconds.empty());
  const BenchEntry* user = results.Find("BM_Setns", "user", 1);
  ASSERT_NE(user, nullptr);
  EXPECT_TRUE(user->Failed());
  EXPECT_TRUE(results.AnyFailed());
}

TEST(ParseBenchJson, AggregatesOnlyOutputStillGivesMedians) {
  BenchResults results = Load("aggregates_only.json");
  ASSERT_EQ(results.entries.size(), 2u);
  const BenchEntry& net = results.entries[1];
  EXPECT_TRUE(net.seconds.empty());
  std::optional<BenchStats> stats = StatsOf(net);
  ASSERT_TRUE(stats);
  EXPECT_DOUBLE_EQ(stats->median, 1200e-6);
  EXPECT_FALSE(stats->min);
  EXPECT_TRUE(stats->stddev);
}

TEST(ParseBenchJson, EveryInvalidFixtureIsAnErrorNotACrash) {
  int checked = 0;
  for (const auto& file :
       std::filesystem::directory_iterator(std::string(NSM_BENCH_TESTDATA) + "/invalid")) {
    Result<BenchResults> results = LoadBenchJson(file.path().string());
    EXPECT_FALSE(results) << file.path() << " was accepted";
    if (!results) {
      EXPECT_THAT(results.error().Message(), HasSubstr(file.path().filename().string()));
    }
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(ParseBenchJson, ErrorsNameTheEntry) {
  Result<BenchResults> results = ParseBenchJson(
      R"({"benchmarks": [{"name": "a", "real_time": 1, "time_unit": "us"},
                         {"name": "b", "real_time": "x", "time_unit": "us"}]})");
  ASSERT_FALSE(results);
  EXPECT_THAT(results.error().Message(), HasSubstr("benchmarks[1]"));
  EXPECT_THAT(results.error().Message(), HasSubstr("real_time"));
}

TEST(ParseBenchJson, NonFiniteCounterIsRejected) {
  // JSON has no NaN, but a number too large for a double overflows to infinity.
  Result<BenchResults> results = ParseBenchJson(
      R"({"benchmarks": [{"name": "a", "real_time": 1, "time_unit": "us", "c": 1e999}]})");
  EXPECT_FALSE(results);
}

TEST(LoadBenchJson, MissingFileIsAnErrorWithErrno) {
  Result<BenchResults> results = LoadBenchJson(TestdataPath("does-not-exist.json"));
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().err, ENOENT);
  EXPECT_TRUE(results.error().hint.empty());
}

TEST(BenchResultsBuilder, AnErrorInAnyRepetitionMarksTheEntry) {
  BenchResultsBuilder builder;
  RunRecord ok{"BM_X/net", false, "", 1, 1e-3, "net", std::nullopt, {}};
  RunRecord bad = ok;
  bad.error = "clone3(CLONE_NEWNET): ENOSPC";
  builder.Add(ok);
  builder.Add(bad);
  BenchResults results = builder.Take({});
  ASSERT_EQ(results.entries.size(), 1u);
  EXPECT_TRUE(results.entries[0].Failed());
  EXPECT_FALSE(StatsOf(results.entries[0]));
}

}  // namespace
}  // namespace nsm
