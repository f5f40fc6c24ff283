// The console reporter plus one summary line at the end: how many times the
// kernel's floor the full matrix costs.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace nsm {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& reports) override;
  // "ratio matrix/floor(jobs:1) = X.XX, matrix/floor(jobs:2) = Y.YY".
  void Finalize() override;

  // Mean wall-clock seconds per iteration for "BM_Floor256/jobs:1" etc.;
  // negative when that benchmark did not run (or failed).
  double MeanSeconds(const std::string& name) const;

 private:
  struct Sums {
    double seconds = 0;
    double iterations = 0;
  };
  std::map<std::string, double> aggregate_means_;  // from the "mean" aggregate
  std::map<std::string, Sums> iteration_sums_;     // from the repetitions themselves
};

}  // namespace nsm
