#include "reports/bench/bench_compare.h"

#include <algorithm>

#include "reports/bench/bench_stats.h"

namespace nsm {

int BenchComparison::SlowerCount() const {
  return static_cast<int>(
      std::count_if(rows.begin(), rows.end(), [](const ComparisonRow& r) { return r.slower; }));
}

BenchComparison CompareBench(const BenchResults& old_results, const BenchResults& new_results,
                             double threshold) {
  BenchComparison comparison;
  comparison.old_context = old_results.context;
  comparison.new_context = new_results.context;
  comparison.threshold = threshold;
  for (const BenchEntry& now : new_results.entries) {
    const BenchEntry* before = old_results.Find(now.name);
    if (!before) {
      comparison.only_new.push_back(now.name);
      continue;
    }
    std::optional<BenchStats> old_stats = StatsOf(*before);
    std::optional<BenchStats> new_stats = StatsOf(now);
    if (old_stats && !new_stats) comparison.lost.push_back(now.name);
    if (!old_stats || !new_stats || old_stats->median <= 0) {
      std::string why = !new_stats ? "new run: " + (now.error.empty() ? "no data" : now.error)
                        : !old_stats
                            ? "old run: " + (before->error.empty() ? "no data" : before->error)
                            : "old median is zero";
      comparison.not_compared.push_back(now.name + ": " + why);
      continue;
    }
    ComparisonRow row;
    row.name = now.name;
    row.old_seconds = old_stats->median;
    row.new_seconds = new_stats->median;
    row.ratio = row.new_seconds / row.old_seconds;
    row.slower = row.ratio > threshold;
    row.faster = row.ratio < 1 / threshold;
    comparison.rows.push_back(std::move(row));
  }
  for (const BenchEntry& before : old_results.entries) {
    if (new_results.Find(before.name)) continue;
    comparison.only_old.push_back(before.name);
    if (StatsOf(before)) comparison.lost.push_back(before.name);
  }
  return comparison;
}

}  // namespace nsm
