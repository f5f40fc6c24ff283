// The whole matrix against the kernel's floor over the same 256 combinations.
//
//   BM_Floor256/jobs:N  one bare clone3 + execveat of the static nsm-noop + wait per
//                       combination, shared out over N threads (floor.h).
//   BM_Matrix256/jobs:N `nsmatrix run --combos all --jobs N` as a subprocess (every probe,
//                       N sandboxes, JSON report written), to set against the floor on N
//                       threads. Counter peak_rss_MiB: the largest resident set of nsmatrix
//                       or any process it reaped (wait4).
#include <vector>

#include "bench/bench_registry.h"
#include "bench/bench_support.h"
#include "bench/floor.h"
#include "bench/subprocess.h"

namespace nsm {
namespace {

std::vector<NsSet> AllCombinations() {
  std::vector<NsSet> combos;
  for (unsigned i = 0; i < kCombinationCount; ++i) combos.push_back(NsSet::FromIndex(i));
  return combos;
}

void BM_Floor256(benchmark::State& state) {
  Result<std::string> noop = SiblingProgram("nsm-noop");
  if (!noop) return SkipWith(state, noop.error());
  Result<Floor> floor = Floor::Open(*noop);
  if (!floor) return SkipWith(state, floor.error());
  const std::vector<NsSet> combos = AllCombinations();
  const int jobs = static_cast<int>(state.range(0));
  for (auto _ : state) {
    if (Status s = floor->Run(combos, jobs); !s) {
      SkipWith(state, s.error());
      break;
    }
  }
}

void BM_Matrix256(benchmark::State& state) {
  Result<std::string> nsmatrix = SiblingProgram("nsmatrix");
  if (!nsmatrix) return SkipWith(state, nsmatrix.error());
  Result<TempFile> json = TempFile::Create(".json");
  if (!json) return SkipWith(state, json.error());
  const std::vector<std::string> argv = {*nsmatrix,       "run",    "--combos",
                                         "all",           "--jobs", std::to_string(state.range(0)),
                                         "--no-progress", "--json", json->Path()};
  long max_rss_kib = 0;
  for (auto _ : state) {
    // Interrupts go on to nsmatrix run, which tears its sandboxes down and exits.
    Result<Finished> finished = SpawnAndWait(argv, {.forward_interrupts = true});
    if (!finished) {
      SkipWith(state, finished.error());
      break;
    }
    if (!finished->status.exited || finished->status.code != 0) {
      SkipWithFailure(state, "nsmatrix run: " + finished->status.Describe());
      break;
    }
    max_rss_kib = std::max(max_rss_kib, finished->max_rss_kib);
  }
  state.counters["peak_rss_MiB"] = static_cast<double>(max_rss_kib) / 1024.0;
}

}  // namespace

void RegisterMatrixBenchmarks(const BenchOptions&) {
  benchmark::RegisterBenchmark("BM_Floor256", BM_Floor256)
      ->ArgName("jobs")
      ->Arg(1)
      ->Arg(2)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Matrix256", BM_Matrix256)
      ->ArgName("jobs")
      ->Arg(1)
      ->Arg(2)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace nsm
