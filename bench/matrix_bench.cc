// The whole matrix against the kernel's floor over the same 256 combinations.
//
//   BM_Matrix256/jobs:N  `nsmatrix run --combos all --jobs N` as a subprocess (every probe,
//                        N sandboxes, JSON report written). The time is the run's alone
//                        (manual time). Counter peak_rss_MiB: the largest resident set of
//                        nsmatrix or any process it reaped (wait4).
//
// Paired floor (paired_timer.h): every iteration first runs the floor over the 256
// combinations on N threads (one bare clone3 + execveat of the static nsm-noop + wait
// each, floor.h), timed apart; counter floor_seconds is its mean per iteration.
#include <vector>

#include "bench/bench_registry.h"
#include "bench/bench_support.h"
#include "bench/floor.h"
#include "bench/paired_timer.h"
#include "harness/common/subprocess.h"

namespace nsm {
namespace {

std::vector<NsSet> AllCombinations() {
  std::vector<NsSet> combos;
  for (unsigned i = 0; i < kCombinationCount; ++i) combos.push_back(NsSet::FromIndex(i));
  return combos;
}

void BM_Matrix256(benchmark::State& state) {
  Result<std::string> noop = SiblingProgram("nsm-noop");
  if (!noop) return SkipWith(state, noop.error());
  Result<Floor> floor = Floor::Open(*noop);
  if (!floor) return SkipWith(state, floor.error());
  Result<std::string> nsmatrix = SiblingProgram("nsmatrix");
  if (!nsmatrix) return SkipWith(state, nsmatrix.error());
  Result<TempFile> json = TempFile::Create(".json");
  if (!json) return SkipWith(state, json.error());
  const std::vector<NsSet> combos = AllCombinations();
  const int jobs = static_cast<int>(state.range(0));
  const std::vector<std::string> argv = {*nsmatrix,       "run",    "--combos",
                                         "all",           "--jobs", std::to_string(jobs),
                                         "--no-progress", "--json", json->Path()};
  long max_rss_kib = 0;
  PairedTimer timer;
  for (auto _ : state) {
    if (Status s = timer.Floor([&] { return floor->Run(combos, jobs); }); !s) {
      SkipWith(state, s.error());
      break;
    }
    // Interrupts go on to nsmatrix run, which tears its sandboxes down and exits.
    // The untimed warm-up run must succeed as well as the timed one.
    Result<Finished> finished;
    Result<double> seconds = timer.Harness([&]() -> Status {
      finished = SpawnAndWait(argv, {.forward_interrupts = true});
      if (!finished) return std::unexpected(finished.error());
      if (!finished->status.exited || finished->status.code != 0)
        return Fail(0, "nsmatrix run: " + finished->status.Describe());
      return {};
    });
    if (!seconds) {
      SkipWith(state, seconds.error());
      break;
    }
    state.SetIterationTime(*seconds);
    max_rss_kib = std::max(max_rss_kib, finished->max_rss_kib);
  }
  timer.Report(state);
  state.counters["peak_rss_MiB"] = static_cast<double>(max_rss_kib) / 1024.0;
}

}  // namespace

void RegisterMatrixBenchmarks(const BenchOptions&) {
  benchmark::RegisterBenchmark("BM_Matrix256", BM_Matrix256)
      ->ArgName("jobs")
      ->Arg(1)
      ->Arg(2)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace nsm
