// nsmatrix-bench: what the full 256-combination matrix costs next to the
// kernel's floor (one bare clone3 + exec of a static no-op per combination).
//
//   build/bin/nsmatrix-bench                       # a few seconds; medians of 3
//   build/bin/nsmatrix-bench --benchmark_out=bench.json
//
// Needs root (nsmatrix run does). The defaults below are only defaults: any
// --benchmark_* flag given on the command line wins. For steadier numbers, run
// longer, e.g.
//
//   build/bin/nsmatrix-bench --benchmark_repetitions=10 --benchmark_min_time=2
//
// (Google Benchmark 1.7.1: --benchmark_min_time is a plain number of seconds.)
// The last lines printed are the ratios of the matrix mean to the floor means.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "bench/floor.h"
#include "bench/ratio_reporter.h"
#include "bench/subprocess.h"
#include "harness/common/namespaces.h"

namespace nsm {
namespace {

// Prepended to the command line, so later (user) flags override them. They are
// not set per benchmark in code, because in 1.7.1 code settings beat flags.
constexpr const char* kDefaultFlags[] = {
    "--benchmark_repetitions=3",
    "--benchmark_min_time=0.1",
    "--benchmark_display_aggregates_only=true",
};

std::atomic<bool> g_failed{false};

void SkipWithError(benchmark::State& state, const std::string& message) {
  g_failed = true;
  state.SkipWithError(message.c_str());
}

std::vector<NsSet> AllCombinations() {
  std::vector<NsSet> combos;
  for (unsigned i = 0; i < kCombinationCount; ++i) combos.push_back(NsSet::FromIndex(i));
  return combos;
}

void BM_Floor256(benchmark::State& state) {
  Result<std::string> dir = SelfDir();
  if (!dir) return SkipWithError(state, dir.error().Message());
  Result<Floor> floor = Floor::Open(*dir + "/nsm-noop");
  if (!floor) return SkipWithError(state, floor.error().Message());
  const std::vector<NsSet> combos = AllCombinations();
  const int jobs = static_cast<int>(state.range(0));
  for (auto _ : state) {
    if (Status s = floor->Run(combos, jobs); !s) {
      SkipWithError(state, s.error().Message());
      break;
    }
  }
}
BENCHMARK(BM_Floor256)
    ->ArgName("jobs")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Matrix256(benchmark::State& state) {
  Result<std::string> dir = SelfDir();
  if (!dir) return SkipWithError(state, dir.error().Message());
  Result<TempFile> json = TempFile::Create(".json");
  if (!json) return SkipWithError(state, json.error().Message());
  const std::vector<std::string> argv = {*dir + "/nsmatrix", "run",    "--combos",  "all",
                                         "--no-progress",    "--json", json->Path()};
  for (auto _ : state) {
    Result<ExitStatus> status = SpawnAndWait(argv);
    if (!status) {
      SkipWithError(state, status.error().Message());
      break;
    }
    if (!status->exited || status->code != 0) {
      SkipWithError(state, "nsmatrix run: " + status->Describe());
      break;
    }
  }
}
BENCHMARK(BM_Matrix256)->UseRealTime()->Unit(benchmark::kMillisecond);

// Another display format (--benchmark_format=json|csv) keeps the library's own
// reporter, without the ratio lines.
bool WantsConsole(int argc, char** argv) {
  bool console = true;
  for (int i = 1; i < argc; ++i) {
    constexpr const char* kFlag = "--benchmark_format=";
    if (strncmp(argv[i], kFlag, strlen(kFlag)) == 0)
      console = strcmp(argv[i] + strlen(kFlag), "console") == 0;
  }
  return console;
}

int Main(int argc, char** argv) {
  std::vector<char*> args = {argv[0]};
  for (const char* flag : kDefaultFlags) args.push_back(const_cast<char*>(flag));
  args.insert(args.end(), argv + 1, argv + argc);
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);

  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
  size_t matched = 0;
  if (WantsConsole(argc, argv)) {
    RatioReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                 : benchmark::ConsoleReporter::OO_None);
    matched = benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    matched = benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  if (matched == 0) {
    fprintf(stderr, "nsmatrix-bench: no benchmark matches --benchmark_filter\n");
    return 1;
  }
  return g_failed ? 1 : 0;
}

}  // namespace
}  // namespace nsm

int main(int argc, char** argv) {
  return nsm::Main(argc, argv);
}
