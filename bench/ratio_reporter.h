// The console reporter plus a summary at the end: the harness's launch and full
// matrix against the kernel's floor, and nsmatrix run's peak memory, each against its
// target. The numbers come from the same report code as `nsmatrix bench`
// (reports/bench), fed with the runs this reporter sees.
#pragma once

#include <benchmark/benchmark.h>

#include <vector>

#include "reports/bench/bench_results.h"

namespace nsm {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& reports) override;
  void Finalize() override;

 private:
  BenchResultsBuilder results_;
};

// A run as the report code reads it; the same numbers the library's JSON writer
// prints. Percentage aggregates (cv) give nullopt.
std::optional<RunRecord> ToRunRecord(const benchmark::BenchmarkReporter::Run& run);

}  // namespace nsm
