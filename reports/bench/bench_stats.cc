#include "reports/bench/bench_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace nsm {

std::optional<double> BenchStats::Cv() const {
  if (!stddev || mean <= 0) return std::nullopt;
  return *stddev / mean;
}

std::optional<double> Percentile(std::span<const double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - static_cast<double>(lo));
}

std::optional<BenchStats> StatsOf(const BenchEntry& entry) {
  if (!entry.error.empty()) return std::nullopt;
  BenchStats stats;
  const std::vector<double>& s = entry.seconds;
  if (!s.empty()) {
    stats.samples = static_cast<int>(s.size());
    stats.median = *Percentile(s, 50);
    stats.min = *std::min_element(s.begin(), s.end());
    stats.max = *std::max_element(s.begin(), s.end());
    stats.mean = std::accumulate(s.begin(), s.end(), 0.0) / static_cast<double>(s.size());
    if (s.size() > 1) {
      double sum = 0;
      for (double v : s) sum += (v - stats.mean) * (v - stats.mean);
      stats.stddev = std::sqrt(sum / static_cast<double>(s.size() - 1));
    }
    return stats;
  }
  if (!entry.aggregate_median && !entry.aggregate_mean) return std::nullopt;
  stats.median = entry.aggregate_median ? *entry.aggregate_median : *entry.aggregate_mean;
  stats.mean = entry.aggregate_mean ? *entry.aggregate_mean : stats.median;
  stats.stddev = entry.aggregate_stddev;
  return stats;
}

std::optional<double> CounterMedian(const BenchEntry& entry, const std::string& counter) {
  if (!entry.error.empty()) return std::nullopt;
  if (auto it = entry.counters.find(counter); it != entry.counters.end() && !it->second.empty())
    return Percentile(it->second, 50);
  if (auto it = entry.aggregate_counter_medians.find(counter);
      it != entry.aggregate_counter_medians.end()) {
    return it->second;
  }
  return std::nullopt;
}

}  // namespace nsm
