#include "bench/ratio_reporter.h"

#include <ostream>

#include "reports/bench/bench_markdown.h"
#include "reports/bench/bench_report.h"

namespace nsm {

std::optional<RunRecord> ToRunRecord(const benchmark::BenchmarkReporter::Run& run) {
  using Run = benchmark::BenchmarkReporter::Run;
  RunRecord record;
  record.name = run.run_name.str();
  record.aggregate = run.run_type == Run::RT_Aggregate;
  record.aggregate_name = run.aggregate_name;
  record.threads = static_cast<int>(run.threads);
  record.label = run.report_label;
  if (run.error_occurred) {
    record.error = run.error_message;
    return record;
  }
  if (record.aggregate && run.aggregate_unit == benchmark::kPercentage) return std::nullopt;
  record.seconds = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
  for (const auto& [name, counter] : run.counters) record.counters[name] = counter.value;
  return record;
}

void RatioReporter::ReportRuns(const std::vector<Run>& reports) {
  ConsoleReporter::ReportRuns(reports);
  for (const Run& run : reports) {
    if (std::optional<RunRecord> record = ToRunRecord(run)) results_.Add(*record);
  }
}

void RatioReporter::Finalize() {
  ConsoleReporter::Finalize();
  GetOutputStream() << RenderOverheadSummary(BuildBenchReport(results_.Take({})));
}

}  // namespace nsm
