// Two nsmatrix-bench runs side by side (e.g. two kernels or two machines): the ratio
// of medians per benchmark, with those that got slower than a threshold flagged, so a
// kernel where a namespace became much slower to create shows up.
#pragma once

#include <string>
#include <vector>

#include "reports/bench/bench_results.h"

namespace nsm {

inline constexpr double kDefaultSlowerThreshold = 1.5;

struct ComparisonRow {
  std::string name;                         // run name, present in both
  double old_seconds = 0, new_seconds = 0;  // medians
  double ratio = 0;                         // new / old
  bool slower = false;                      // ratio > threshold
  bool faster = false;                      // ratio < 1 / threshold
};

struct BenchComparison {
  BenchContext old_context, new_context;
  double threshold = kDefaultSlowerThreshold;
  std::vector<ComparisonRow> rows;              // in the new run's order
  std::vector<std::string> only_old, only_new;  // run names measured in one run only
  std::vector<std::string> not_compared;        // "name: why" (skipped or failed in one)
  // Measured in the old run, but missing, skipped (e.g. a namespace type the new kernel
  // refuses) or failed in the new one: like a slower one, a regression.
  std::vector<std::string> lost;

  int SlowerCount() const;
};

// `threshold` must be above 1 (the caller validates it).
BenchComparison CompareBench(const BenchResults& old_results, const BenchResults& new_results,
                             double threshold);

}  // namespace nsm
