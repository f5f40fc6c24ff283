// The pure parts of nsmatrix-bench: its namespace sets, how it tells an unsupported
// namespace type from a failure, and that its end-of-run summary reads a run exactly
// as `nsmatrix bench` reads the same run from the JSON file.
#include "bench/bench_support.h"

#include <gtest/gtest.h>

#include "bench/ratio_reporter.h"

namespace nsm {
namespace {

TEST(BenchSets, NoneEachTypeAllStoryAndDocker) {
  const std::vector<NamedSet>& sets = BenchSets();
  ASSERT_EQ(sets.size(), 12u);
  EXPECT_EQ(sets[0].name, "none");
  EXPECT_TRUE(sets[0].set.Empty());
  for (int i = 0; i < kNsCount; ++i) {
    EXPECT_EQ(sets[1 + i].name, kNamespaces[i].name);
    EXPECT_EQ(sets[1 + i].set.Size(), 1);
    EXPECT_TRUE(sets[1 + i].set.Has(kNamespaces[i].ns));
  }
  EXPECT_EQ(sets[9].name, "all");
  EXPECT_EQ(sets[9].set, NsSet::All());
  EXPECT_EQ(sets[10].name, "story");
  EXPECT_EQ(sets[10].set.ToString(), "mnt+uts+ipc+net+pid+user");
  EXPECT_EQ(sets[11].name, "docker");
  EXPECT_EQ(sets[11].set.ToString(), "mnt+uts+ipc+net+pid+cgroup");
}

// Decided by the error's kind, never by its text.
TEST(IsUnsupported, OnlyEinvalFromCreatingTheNamespace) {
  EXPECT_TRUE(IsUnsupported(FailNamespace(EINVAL, "clone3(CLONE_NEWTIME)", "floor time").error()));
  EXPECT_TRUE(IsUnsupported(FailNamespace(EINVAL, "any words").error()));
  EXPECT_FALSE(IsUnsupported(FailNamespace(EPERM, "clone3(CLONE_NEWUSER)").error()));
  EXPECT_FALSE(IsUnsupported(FailNamespace(ENOSPC, "clone3(CLONE_NEWNET)").error()));
  EXPECT_FALSE(IsUnsupported(Fail(EINVAL, "setns(CLONE_NEWNS)").error()));
  EXPECT_FALSE(IsUnsupported(Fail(EINVAL, "clone3(CLONE_NEWTIME)").error()));  // text alone
}

benchmark::BenchmarkReporter::Run MakeRun() {
  benchmark::BenchmarkReporter::Run run;
  run.run_name.function_name = "BM_Create/net";
  run.run_name.time_type = "real_time";
  run.run_name.threads = "threads:2";
  run.threads = 2;
  run.iterations = 50;
  run.time_unit = benchmark::kMicrosecond;
  run.real_accumulated_time = 0.1;  // seconds over the 50 iterations: 2 ms each
  run.report_label = "net";
  run.counters["items_per_second"] = benchmark::Counter(500);
  return run;
}

TEST(ToRunRecord, SecondsPerIterationNameAndCounters) {
  std::optional<RunRecord> record = ToRunRecord(MakeRun());
  ASSERT_TRUE(record);
  EXPECT_EQ(record->name, "BM_Create/net/real_time/threads:2");
  EXPECT_FALSE(record->aggregate);
  EXPECT_EQ(record->threads, 2);
  EXPECT_DOUBLE_EQ(record->seconds, 2e-3);
  EXPECT_EQ(record->label, "net");
  EXPECT_DOUBLE_EQ(record->counters.at("items_per_second"), 500);
  EXPECT_FALSE(record->error);
}

TEST(ToRunRecord, ErrorsAndPercentageAggregates) {
  benchmark::BenchmarkReporter::Run failed = MakeRun();
  failed.error_occurred = true;
  failed.error_message = "unsupported: clone3(CLONE_NEWTIME): EINVAL";
  std::optional<RunRecord> record = ToRunRecord(failed);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->error, failed.error_message);

  benchmark::BenchmarkReporter::Run cv = MakeRun();
  cv.run_type = benchmark::BenchmarkReporter::Run::RT_Aggregate;
  cv.aggregate_name = "cv";
  cv.aggregate_unit = benchmark::kPercentage;
  EXPECT_FALSE(ToRunRecord(cv));
}

}  // namespace
}  // namespace nsm
