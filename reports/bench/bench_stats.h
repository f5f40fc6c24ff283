// Summary statistics of a benchmark's repetitions.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "reports/bench/bench_results.h"

namespace nsm {

// Seconds per iteration, wall clock.
struct BenchStats {
  double median = 0;
  double mean = 0;
  std::optional<double> min;  // unknown when only aggregates were written
  std::optional<double> max;
  std::optional<double> stddev;  // sample standard deviation; unknown for one repetition
  int samples = 0;               // repetitions behind the numbers; 0 when from aggregates

  // Coefficient of variation, stddev / mean, as a fraction.
  std::optional<double> Cv() const;
};

// The p-th percentile (0..100) by linear interpolation; `values` need not be sorted.
// nullopt for no values.
std::optional<double> Percentile(std::span<const double> values, double p);

// From the repetitions when there are any, else from the library's aggregates;
// nullopt for a benchmark that skipped or failed.
std::optional<BenchStats> StatsOf(const BenchEntry& entry);

// The median of a user counter over the repetitions (or its median aggregate).
std::optional<double> CounterMedian(const BenchEntry& entry, const std::string& counter);

}  // namespace nsm
