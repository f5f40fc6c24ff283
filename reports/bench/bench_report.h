// nsmatrix-bench's results arranged for reading: the harness's overhead against the
// kernel's floor with the targets of issue #6, then one table per way of making
// namespaces (clone3, a sustained run of clone3, unshare, setns), each row with its
// median, spread and ratio to "no namespace". Renderers: bench_markdown.h, bench_html.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/bench/bench_results.h"
#include "reports/bench/bench_stats.h"

namespace nsm {

inline constexpr double kLaunchOverheadTarget = 1.3;  // harness launch / raw floor, per flags
inline constexpr double kMatrixOverheadTarget = 2.5;  // nsmatrix run of 256 / floor of 256
inline constexpr double kMatrixOverheadAim = 1.5;
inline constexpr double kPeakRssTargetMiB = 32;  // nsmatrix run
// The counter in which BM_Launch and BM_Matrix256 carry the floor they timed beside
// themselves (bench/paired_timer.h): seconds per iteration.
inline constexpr std::string_view kPairedFloorCounter = "floor_seconds";

struct BenchRow {
  std::string name;     // the benchmark's run name
  std::string subject;  // "story"
  std::string label;    // the namespace flags, "mnt+uts+ipc+net+pid+user"
  int threads = 1;
  std::optional<BenchStats> stats;         // nullopt: skipped or failed (see problem)
  std::optional<double> vs_baseline;       // median / the baseline row's median
  std::map<std::string, double> counters;  // medians over the repetitions
  std::string problem;
  bool unsupported = false;
};

struct BenchSection {
  std::string id;           // "create"
  std::string title;        // "Create and tear down (clone3)"
  std::string description;  // what one iteration is
  std::string baseline;     // subject the ratios are against; empty: none
  bool rates = false;       // show creates/s and per-create latency percentiles
  std::vector<BenchRow> rows;

  bool MultipleThreadCounts() const;
};

struct OverheadRow {
  std::string what;  // "story", "full matrix (jobs:1 floor)"
  std::string harness_name, floor_name;
  std::optional<double> harness_seconds, floor_seconds, ratio;
  double target = 0;
  std::string problem;  // why there is no ratio
  // The floor was timed beside the harness, each iteration (counter
  // kPairedFloorCounter): floor_seconds is that counter's median.
  bool paired = false;
  // Runtime rows: the runtime's launch over nsmatrix's own (BM_Launch) for the same set.
  std::optional<double> vs_native;

  bool Met() const { return ratio && *ratio <= target; }
};

struct BenchReport {
  BenchContext context;
  int repetitions = 0;              // most repetitions behind any row
  std::vector<OverheadRow> launch;  // the harness's container launch, per flag set
  std::vector<OverheadRow> matrix;  // the whole matrix, against one- and two-thread floors
  // A container made by a real runtime (BM_RuntimeLaunch), per "runtime:set": no target.
  std::vector<OverheadRow> runtime_launch;
  std::optional<double> peak_rss_mib;  // nsmatrix run, highest over the repetitions
  std::vector<BenchSection> sections;  // only those with rows
  std::vector<std::string> skipped;    // "name: reason", refused by the kernel
  std::vector<std::string> failed;     // "name: error"

  // The highest launch ratio, nullopt when none was measured.
  std::optional<double> WorstLaunchRatio() const;
};

BenchReport BuildBenchReport(const BenchResults& results);

// "95.3 µs", "1.24 ms", "2.10 s": three significant digits.
std::string FormatSeconds(double seconds);
// "1.23x"
std::string FormatRatio(double ratio);
// "Linux 6.18.44 on 2 CPUs (host vm), 2026-11-30T14:45:18+00:00" from what is known.
std::string DescribeMachine(const BenchContext& context);

}  // namespace nsm
