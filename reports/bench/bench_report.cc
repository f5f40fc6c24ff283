#include "reports/bench/bench_report.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

namespace nsm {
namespace {

// One section per benchmark family nsmatrix-bench registers (bench/*_bench.cc).
struct SectionSpec {
  std::string_view family, id, title, description, baseline;
  bool rates;
};

constexpr SectionSpec kSections[] = {
    {"BM_Create", "create", "Create and tear down (clone3)",
     "clone3(2) with the flags; the child calls _exit(0) at once and the parent reaps it "
     "through its pidfd. Time per create, wall clock; with two threads, the wall time over the "
     "creates of both threads (the inverse of the rate): two threads that do not slow each "
     "other show half the one-thread time, a kernel that serialises them the one-thread time. "
     "The latency of one create under two threads is the sustained section's p50.",
     "none", false},
    {"BM_Sustained", "sustained", "Sustained create and tear down",
     "The same create and reap, {K} times back to back per iteration (nsmatrix-bench "
     "--nsm_sustained=K), so that the teardown the kernel defers to work queues (network and "
     "IPC namespaces) competes with the next creations. Rate: creates per second over all "
     "threads; p50/p99/max: the latency of single creates.",
     "none", true},
    {"BM_Unshare", "unshare", "unshare(2)",
     "unshare(2) of one type in a single-threaded helper process, timed around the system "
     "call. The namespace the previous call made is released by the next one, so the "
     "synchronous part of its teardown is included (a network namespace's is deferred to a "
     "work queue, so not). pid: an untimed setns(2) back to the original follows "
     "each call (a process can have only one new PID namespace for its children); user: each "
     "call in a fresh vfork-style child (a second user namespace cannot be unshared from the "
     "first without id maps). none: unshare(0), the system call alone.",
     "none", false},
    {"BM_Setns", "setns", "setns(2)",
     "setns(2) into a namespace of that type held by a long-lived process, timed around the "
     "system call, in a single-threaded helper process; an untimed setns back to the "
     "original follows. user: each call in a fresh vfork-style child (a process cannot go "
     "back to the parent user namespace).",
     "", false},
};

// Why the entry has no numbers, without the "unsupported: " marker.
std::string Reason(const BenchEntry& entry) {
  if (entry.error.empty()) return "no measurement";
  return entry.Unsupported() ? entry.error.substr(kUnsupportedPrefix.size()) : entry.error;
}

BenchRow RowOf(const BenchEntry& entry) {
  BenchRow row;
  row.name = entry.name;
  row.subject = entry.subject;
  row.label = entry.label;
  row.threads = entry.threads;
  row.stats = StatsOf(entry);
  row.unsupported = entry.Unsupported();
  if (!row.stats) row.problem = Reason(entry);
  for (const auto& [key, values] : entry.counters) {
    if (key == "max_us" && !values.empty()) {
      // The largest of the repetitions' maxima, not a typical one.
      row.counters[key] = *std::max_element(values.begin(), values.end());
    } else if (std::optional<double> median = CounterMedian(entry, key)) {
      row.counters[key] = *median;
    }
  }
  for (const auto& [key, value] : entry.aggregate_counter_medians) row.counters.emplace(key, value);
  return row;
}

std::optional<double> MedianOf(const BenchEntry* entry) {
  if (!entry) return std::nullopt;
  std::optional<BenchStats> stats = StatsOf(*entry);
  return stats ? std::optional<double>(stats->median) : std::nullopt;
}

OverheadRow Overhead(std::string what, const BenchEntry* harness, const BenchEntry* floor,
                     double target) {
  OverheadRow row;
  row.what = std::move(what);
  row.target = target;
  if (harness) row.harness_name = harness->name;
  if (floor) row.floor_name = floor->name;
  row.harness_seconds = MedianOf(harness);
  row.floor_seconds = MedianOf(floor);
  if (row.harness_seconds && row.floor_seconds && *row.floor_seconds > 0) {
    row.ratio = *row.harness_seconds / *row.floor_seconds;
  } else if (!harness || !floor) {
    row.problem = !harness ? "the harness benchmark did not run" : "the floor did not run";
  } else {
    row.problem = Reason(harness->error.empty() ? *floor : *harness);
  }
  return row;
}

// The harness against the floor it timed beside it (bench/paired_timer.h): the
// median harness time over the median floor time of the same repetitions. (Not the
// median of each repetition's ratio: the console sees only the aggregates, and the
// console and the report must give one number.)
std::optional<OverheadRow> PairedOverhead(std::string what, const BenchEntry& harness,
                                          double target) {
  std::string counter(kPairedFloorCounter);
  std::optional<double> floor_median = CounterMedian(harness, counter);
  if (!floor_median) return std::nullopt;
  OverheadRow row;
  row.what = std::move(what);
  row.target = target;
  row.harness_name = harness.name;
  row.floor_name = harness.name + " (" + counter + ")";
  row.paired = true;
  row.harness_seconds = MedianOf(&harness);
  row.floor_seconds = floor_median;
  if (row.harness_seconds && *floor_median > 0) {
    row.ratio = *row.harness_seconds / *floor_median;
  } else {
    row.problem = Reason(harness);
  }
  return row;
}

// Paired when the harness benchmark carries its floor; else (files written before
// the pairing) against the separate floor benchmark.
OverheadRow OverheadOf(std::string what, const BenchEntry* harness, const BenchEntry* floor,
                       double target) {
  if (harness) {
    if (std::optional<OverheadRow> paired = PairedOverhead(what, *harness, target)) return *paired;
  }
  return Overhead(std::move(what), harness, floor, target);
}

std::string WithK(std::string_view text, const BenchContext& context) {
  std::string out(text);
  auto it = context.extra.find("nsm_sustained");
  std::string k = it == context.extra.end() ? "K" : it->second;
  for (size_t pos; (pos = out.find("{K}")) != std::string::npos;) out.replace(pos, 3, k);
  return out;
}

}  // namespace

bool BenchSection::MultipleThreadCounts() const {
  return std::any_of(rows.begin(), rows.end(),
                     [&](const BenchRow& r) { return r.threads != rows.front().threads; });
}

std::optional<double> BenchReport::WorstLaunchRatio() const {
  std::optional<double> worst;
  for (const OverheadRow& row : launch) {
    if (row.ratio && (!worst || *row.ratio > *worst)) worst = row.ratio;
  }
  return worst;
}

BenchReport BuildBenchReport(const BenchResults& results) {
  BenchReport report;
  report.context = results.context;
  for (const BenchEntry& entry : results.entries) {
    report.repetitions = std::max(report.repetitions, static_cast<int>(entry.seconds.size()));
    if (entry.Unsupported()) report.skipped.push_back(entry.name + ": " + Reason(entry));
    if (entry.Failed()) report.failed.push_back(entry.name + ": " + Reason(entry));
  }
  for (const SectionSpec& spec : kSections) {
    BenchSection section{std::string(spec.id),
                         std::string(spec.title),
                         WithK(spec.description, results.context),
                         std::string(spec.baseline),
                         spec.rates,
                         {}};
    for (const BenchEntry& entry : results.entries) {
      if (entry.family != spec.family) continue;
      BenchRow row = RowOf(entry);
      const BenchEntry* base =
          spec.baseline.empty() ? nullptr : results.Find(spec.family, spec.baseline, entry.threads);
      std::optional<double> base_median = MedianOf(base);
      if (row.stats && base_median && *base_median > 0)
        row.vs_baseline = row.stats->median / *base_median;
      section.rows.push_back(std::move(row));
    }
    if (!section.rows.empty()) report.sections.push_back(std::move(section));
  }
  for (const BenchEntry& entry : results.entries) {
    if (entry.family != "BM_Launch") continue;
    const BenchEntry* floor = results.Find("BM_LaunchFloor", entry.subject, entry.threads);
    OverheadRow row = OverheadOf(entry.subject, &entry, floor, kLaunchOverheadTarget);
    if (row.what.empty()) row.what = "?";
    report.launch.push_back(std::move(row));
  }
  for (const BenchEntry& entry : results.entries) {
    if (entry.family != "BM_RuntimeLaunch" || entry.Unsupported()) continue;
    OverheadRow row = OverheadOf(entry.subject, &entry, nullptr, 0);
    std::string set = entry.subject.substr(entry.subject.find(':') + 1);
    std::optional<double> native = MedianOf(results.Find("BM_Launch", set, entry.threads));
    if (row.harness_seconds && native && *native > 0)
      row.vs_native = *row.harness_seconds / *native;
    report.runtime_launch.push_back(std::move(row));
  }
  // nsmatrix run --jobs N against the floor on N threads; a run saved before the
  // matrix had a jobs argument is set against both floors.
  const BenchEntry* unpaired = results.Find("BM_Matrix256", "", 1);
  for (const char* jobs : {"jobs:1", "jobs:2"}) {
    const BenchEntry* matrix = unpaired ? unpaired : results.Find("BM_Matrix256", jobs, 1);
    if (!matrix) continue;
    const BenchEntry* floor = results.Find("BM_Floor256", jobs, 1);
    std::string what = unpaired ? std::string("256 combinations, floor ") + jobs
                                : std::string("256 combinations, ") + jobs + " (both)";
    report.matrix.push_back(OverheadOf(what, matrix, floor, kMatrixOverheadTarget));
    std::optional<double> rss;
    auto it = matrix->counters.find("peak_rss_MiB");
    if (it != matrix->counters.end() && !it->second.empty()) {
      rss = *std::max_element(it->second.begin(), it->second.end());
    } else if (auto agg = matrix->aggregate_counter_medians.find("peak_rss_MiB");
               agg != matrix->aggregate_counter_medians.end()) {
      rss = agg->second;
    }
    if (rss) report.peak_rss_mib = std::max(report.peak_rss_mib.value_or(0), *rss);
  }
  return report;
}

std::string FormatSeconds(double seconds) {
  struct Unit {
    double scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{1, "s"}, {1e-3, "ms"}, {1e-6, "µs"}, {1e-9, "ns"}};
  const Unit* unit = &kUnits[3];
  for (const Unit& u : kUnits) {
    if (seconds >= u.scale * 0.9995) {
      unit = &u;
      break;
    }
  }
  double value = seconds / unit->scale;
  const char* format = value >= 99.95 ? "%.0f %s" : value >= 9.995 ? "%.1f %s" : "%.2f %s";
  char text[48];
  snprintf(text, sizeof(text), format, value, unit->name);
  return text;
}

std::string FormatRatio(double ratio) {
  char text[32];
  snprintf(text, sizeof(text), "%.2fx", ratio);
  return text;
}

std::string DescribeMachine(const BenchContext& context) {
  std::string out = context.kernel.empty() ? "unknown kernel" : "Linux " + context.kernel;
  if (context.cpus > 0) out += " on " + std::to_string(context.cpus) + " CPUs";
  if (!context.host.empty()) out += " (host " + context.host + ")";
  if (!context.date.empty()) out += ", " + context.date;
  return out;
}

}  // namespace nsm
