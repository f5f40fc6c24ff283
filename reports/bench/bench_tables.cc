#include "reports/bench/bench_tables.h"

#include <algorithm>
#include <cstdio>

namespace nsm {
namespace {

std::string OrDash(const std::optional<double>& seconds) {
  return seconds ? FormatSeconds(*seconds) : "–";
}

std::string Micros(const std::map<std::string, double>& counters, const char* key) {
  auto it = counters.find(key);
  return it == counters.end() ? "–" : FormatSeconds(it->second * 1e-6);
}

std::string Rate(const std::map<std::string, double>& counters) {
  auto it = counters.find("items_per_second");
  if (it == counters.end()) return "–";
  char text[32];
  snprintf(text, sizeof(text), "%.0f", it->second);
  return text;
}

std::string Spread(const BenchStats& stats) {
  if (!stats.min || !stats.max) return "–";
  return FormatSeconds(*stats.min) + " – " + FormatSeconds(*stats.max);
}

std::string Cv(const BenchStats& stats) {
  std::optional<double> cv = stats.Cv();
  if (!cv) return "–";
  char text[16];
  snprintf(text, sizeof(text), "%.0f%%", *cv * 100);
  return text;
}

bool ShowFlags(const BenchSection& section) {
  return std::any_of(section.rows.begin(), section.rows.end(),
                     [](const BenchRow& r) { return !r.label.empty() && r.label != r.subject; });
}

TextTable OverheadTable(const std::vector<OverheadRow>& rows, std::string first,
                        std::string harness, std::string target) {
  TextTable table{{std::move(first), std::move(harness), "floor", "ratio", std::move(target)},
                  {false, true, true, true, false},
                  {}};
  for (const OverheadRow& row : rows) {
    std::vector<TableCell> cells = {
        {row.what}, {OrDash(row.harness_seconds)}, {OrDash(row.floor_seconds)}};
    if (row.ratio) {
      cells.push_back({FormatRatio(*row.ratio), !row.Met()});
      cells.push_back({TargetVerdict(row.Met()), !row.Met()});
    } else {
      cells.push_back({"–"});
      cells.push_back({row.problem, true});
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace

std::string TargetVerdict(bool met) {
  return met ? "met" : "not met";
}

TextTable SectionTable(const BenchSection& section) {
  const bool flags = ShowFlags(section);
  const bool threads = section.MultipleThreadCounts();
  TextTable table;
  table.head = {"namespaces"};
  if (flags) table.head.push_back("flags");
  if (threads) table.head.push_back("threads");
  table.numeric.assign(table.head.size(), false);
  if (section.rates) {
    for (const char* h : {"creates/s", "median per iteration", "p50", "p99", "max"})
      table.head.push_back(h);
  } else {
    for (const char* h : {"median", "spread (min – max)", "cv"}) table.head.push_back(h);
  }
  if (!section.baseline.empty()) table.head.push_back("× " + section.baseline);
  table.numeric.resize(table.head.size(), true);
  for (const BenchRow& row : section.rows) {
    std::vector<TableCell> cells = {{row.subject.empty() ? row.name : row.subject}};
    // Flags only where the name does not already say them ("story", not "net").
    if (flags) cells.push_back({row.label != row.subject ? row.label : ""});
    if (threads) cells.push_back({std::to_string(row.threads)});
    if (!row.stats) {
      int rest = static_cast<int>(table.head.size() - cells.size());
      cells.push_back(
          {(row.unsupported ? "skipped: " : "FAILED: ") + row.problem, !row.unsupported, rest});
      table.rows.push_back(std::move(cells));
      continue;
    }
    if (section.rates) {
      for (std::string text :
           {Rate(row.counters), FormatSeconds(row.stats->median), Micros(row.counters, "p50_us"),
            Micros(row.counters, "p99_us"), Micros(row.counters, "max_us")}) {
        cells.push_back({std::move(text)});
      }
    } else {
      for (std::string text :
           {FormatSeconds(row.stats->median), Spread(*row.stats), Cv(*row.stats)}) {
        cells.push_back({std::move(text)});
      }
    }
    if (!section.baseline.empty())
      cells.push_back({row.vs_baseline ? FormatRatio(*row.vs_baseline) : "–"});
    table.rows.push_back(std::move(cells));
  }
  return table;
}

TextTable LaunchTable(const BenchReport& report) {
  return OverheadTable(report.launch, "namespaces", "harness launch",
                       "target ≤ " + FormatRatio(kLaunchOverheadTarget));
}

TextTable MatrixTable(const BenchReport& report) {
  return OverheadTable(report.matrix, "full matrix", "nsmatrix run",
                       "target ≤ " + FormatRatio(kMatrixOverheadTarget) + " (aim " +
                           FormatRatio(kMatrixOverheadAim) + ")");
}

TextTable RuntimeTable(const BenchReport& report) {
  TextTable table{{"runtime:namespaces", "runtime launch", "floor", "ratio", "× nsmatrix launch"},
                  {false, true, true, true, true},
                  {}};
  for (const OverheadRow& row : report.runtime_launch) {
    table.rows.push_back({{row.what},
                          {OrDash(row.harness_seconds)},
                          {OrDash(row.floor_seconds)},
                          {row.ratio ? FormatRatio(*row.ratio) : "–"},
                          {row.vs_native ? FormatRatio(*row.vs_native) : "–"}});
  }
  return table;
}

TextTable ComparisonTable(const BenchComparison& comparison) {
  TextTable table{
      {"benchmark", "old", "new", "new / old", ""}, {false, true, true, true, false}, {}};
  for (const ComparisonRow& row : comparison.rows) {
    table.rows.push_back({{row.name},
                          {FormatSeconds(row.old_seconds)},
                          {FormatSeconds(row.new_seconds)},
                          {FormatRatio(row.ratio), row.slower},
                          {row.slower   ? "SLOWER"
                           : row.faster ? "faster"
                                        : "",
                           row.slower}});
  }
  return table;
}

std::string RunSummary(const BenchReport& report) {
  std::string out = DescribeMachine(report.context);
  if (auto it = report.context.extra.find("nsmatrix_version"); it != report.context.extra.end())
    out += "; nsmatrix " + it->second;
  return out + ". Wall-clock times: the median of " + std::to_string(report.repetitions) +
         (report.repetitions == 1 ? " repetition" : " repetitions") +
         ", the spread from the fastest to the slowest, cv the standard deviation "
         "over the mean.";
}

std::string LaunchIntro() {
  return "The harness's whole container launch (clone3, id maps, mount propagation and /proc, "
         "exec of the probe, its result read to the end, reaped) against the kernel's floor "
         "for the same flags (clone3 + execveat of a static no-op + wait).";
}

std::string WorstLaunchSentence(const BenchReport& report) {
  std::optional<double> worst = report.WorstLaunchRatio();
  if (!worst) return {};
  return "Worst: " + FormatRatio(*worst) + ", target ≤ " + FormatRatio(kLaunchOverheadTarget) +
         ": " + TargetVerdict(*worst <= kLaunchOverheadTarget) + ".";
}

std::string RuntimeIntro() {
  return "A container made by a real runtime, as nsmatrix run --runtime makes it (container root "
         "mapped to the caller), running the probe to the end, against the kernel's floor for "
         "the same flags and against nsmatrix's own launch (story: mnt+uts+ipc+net+pid+user; "
         "docker: mnt+uts+ipc+net+pid+cgroup).";
}

std::string MatrixIntro() {
  return "nsmatrix run --combos all --jobs N (every probe, N sandboxes, report written) against "
         "the floor over the same 256 combinations on N threads.";
}

std::string PeakRssSentence(const BenchReport& report) {
  if (!report.peak_rss_mib) return {};
  char text[160];
  snprintf(text, sizeof(text),
           "Peak resident memory of nsmatrix run: %.1f MiB, target under %.0f MiB: %s.",
           *report.peak_rss_mib, kPeakRssTargetMiB,
           TargetVerdict(*report.peak_rss_mib < kPeakRssTargetMiB).c_str());
  return text;
}

std::string ComparisonSummary(const BenchComparison& c) {
  char text[200];
  snprintf(text, sizeof(text),
           "%d of %zu benchmarks are more than %.2fx slower (median new / median old).",
           c.SlowerCount(), c.rows.size(), c.threshold);
  return "Old: " + DescribeMachine(c.old_context) + ". New: " + DescribeMachine(c.new_context) +
         ". " + text;
}

}  // namespace nsm
