#include "bench/ratio_reporter.h"

#include <cstdio>
#include <ostream>

namespace nsm {
namespace {

// "BM_Floor256/jobs:1": the family and its arguments, without the
// "/real_time", "/repeats:N" and similar suffixes.
std::string ShortName(const benchmark::BenchmarkReporter::Run& run) {
  const benchmark::BenchmarkName& name = run.run_name;
  return name.args.empty() ? name.function_name : name.function_name + "/" + name.args;
}

}  // namespace

void RatioReporter::ReportRuns(const std::vector<Run>& reports) {
  ConsoleReporter::ReportRuns(reports);
  for (const Run& run : reports) {
    if (run.error_occurred || run.iterations <= 0) continue;
    // Seconds per iteration is accumulated / iterations for repetitions and
    // aggregates alike (the library rescales aggregates accordingly).
    if (run.run_type == Run::RT_Aggregate) {
      if (run.aggregate_name == "mean") {
        aggregate_means_[ShortName(run)] =
            run.real_accumulated_time / static_cast<double>(run.iterations);
      }
    } else {
      Sums& sums = iteration_sums_[ShortName(run)];
      sums.seconds += run.real_accumulated_time;
      sums.iterations += static_cast<double>(run.iterations);
    }
  }
}

double RatioReporter::MeanSeconds(const std::string& name) const {
  if (auto it = aggregate_means_.find(name); it != aggregate_means_.end()) return it->second;
  if (auto it = iteration_sums_.find(name);
      it != iteration_sums_.end() && it->second.iterations > 0) {
    return it->second.seconds / it->second.iterations;
  }
  return -1;
}

void RatioReporter::Finalize() {
  ConsoleReporter::Finalize();
  double matrix = MeanSeconds("BM_Matrix256");
  std::string line, means;
  for (const char* jobs : {"jobs:1", "jobs:2"}) {
    double floor = MeanSeconds(std::string("BM_Floor256/") + jobs);
    if (matrix <= 0 || floor <= 0) continue;
    char part[96];
    snprintf(part, sizeof(part), "%smatrix/floor(%s) = %.2f", line.empty() ? "" : ", ", jobs,
             matrix / floor);
    line += part;
    snprintf(part, sizeof(part), ", floor(%s) %.1f ms", jobs, floor * 1e3);
    means += part;
  }
  if (line.empty()) return;
  char head[64];
  snprintf(head, sizeof(head), "means: matrix %.1f ms", matrix * 1e3);
  GetOutputStream() << "ratio " << line << "\n" << head << means << "\n";
}

}  // namespace nsm
