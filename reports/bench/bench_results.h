// What a Google Benchmark run of nsmatrix-bench measured: one entry per benchmark
// instance, with the wall-clock time of each repetition. Filled either from the JSON
// file the library writes (--benchmark_out=F --benchmark_out_format=json) or, inside
// nsmatrix-bench, from the runs handed to its console reporter.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/result.h"

namespace nsm {

// A benchmark that skipped with a message starting with this was refused by the
// kernel (e.g. no time namespaces): reported as skipped with its reason, not as a
// failure.
inline constexpr std::string_view kUnsupportedPrefix = "unsupported: ";

// The machine and run, from the JSON's "context" (nsmatrix-bench adds "kernel",
// "nsmatrix_version" and its own settings as custom context entries).
struct BenchContext {
  std::string date;
  std::string host;
  std::string kernel;
  std::string executable;
  int cpus = 0;
  std::map<std::string, std::string> extra;  // other string-valued context entries
};

// One benchmark instance, e.g. "BM_Create/story/real_time/threads:2".
struct BenchEntry {
  std::string name;     // the run name, without repetition or aggregate suffixes
  std::string family;   // "BM_Create"
  std::string subject;  // "story", "jobs:1"; empty when the benchmark has no argument
  std::string label;    // SetLabel() text: nsmatrix-bench puts the namespace flags there
  int threads = 1;
  std::vector<double> seconds;  // wall-clock seconds per iteration, one per repetition
  std::map<std::string, std::vector<double>> counters;  // user counters, one per repetition
  // From the library's aggregates, for output written with *_aggregates_only.
  std::optional<double> aggregate_median, aggregate_mean, aggregate_stddev;
  std::map<std::string, double> aggregate_counter_medians;
  std::string error;  // non-empty: skipped or failed, no numbers
  bool Unsupported() const { return std::string_view(error).starts_with(kUnsupportedPrefix); }
  bool Failed() const { return !error.empty() && !Unsupported(); }
};

struct BenchResults {
  BenchContext context;
  std::vector<BenchEntry> entries;  // in the order the benchmarks ran

  const BenchEntry* Find(std::string_view name) const;
  // By family and subject ("BM_Create", "story") with that many threads.
  const BenchEntry* Find(std::string_view family, std::string_view subject, int threads) const;
  bool AnyFailed() const;
};

// {family, subject} of a run name: "BM_Create/story/real_time/threads:2" gives
// {"BM_Create", "story"}; "BM_Floor256/jobs:1/real_time" gives {"BM_Floor256", "jobs:1"}.
struct BenchName {
  std::string family, subject;
};
BenchName SplitBenchName(std::string_view run_name);

// One line of the library's output, the form both sources are reduced to.
struct RunRecord {
  std::string name;  // run name
  bool aggregate = false;
  std::string aggregate_name;  // "mean", "median", "stddev", ... for aggregates
  int threads = 1;
  double seconds = 0;  // wall-clock seconds per iteration
  std::string label;
  std::optional<std::string> error;
  std::map<std::string, double> counters;
};

class BenchResultsBuilder {
 public:
  void Add(const RunRecord& record);
  const std::vector<BenchEntry>& Entries() const { return entries_; }
  BenchResults Take(BenchContext context);

 private:
  std::vector<BenchEntry> entries_;
  std::map<std::string, size_t, std::less<>> index_;
};

// Validates and reads Google Benchmark JSON. Anything malformed (not JSON, no
// "benchmarks" array, a run without a name, a time that is not a finite number, an
// unknown time unit) is an error naming the offending entry.
Result<BenchResults> ParseBenchJson(std::string_view text);
Result<BenchResults> LoadBenchJson(const std::string& path);

}  // namespace nsm
