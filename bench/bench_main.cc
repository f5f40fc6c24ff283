// nsmatrix-bench: what each Linux namespace costs to create and tear down, and what
// nsmatrix adds on top of the kernel's own cost. Needs root. Wall-clock time
// throughout (real or manual time, never CPU time, which would miss time blocked in
// wait).
//
//   build/bin/nsmatrix-bench                          # about 2-4 minutes on 2 cores
//   build/bin/nsmatrix-bench --benchmark_filter='BM_Create|BM_Unshare|BM_Setns'
//   build/bin/nsmatrix-bench --benchmark_out=bench.json --benchmark_out_format=json
//   nsmatrix bench --from bench.json --out bench-report   # tables, HTML chart, compare
//
// Families (in run order; see each file's header):
//   BM_Create/<set>, BM_Sustained/<set>   create_bench.cc
//   BM_Unshare/<type>, BM_Setns/<type>    unshare_setns_bench.cc
//   BM_Launch/<set>                       launch_bench.cc   (each with its floor beside it:
//   BM_RuntimeLaunch/<runtime>:<set>      runtime_bench.cc   counter floor_seconds)
//   BM_Matrix256/jobs:N                   matrix_bench.cc
// where <runtime> is unshare or bwrap (skipped when not on PATH), <set> is none, each of mnt uts
// ipc net pid user cgroup time, all, story (mnt+uts+ipc+net+pid+user) or docker
// (mnt+uts+ipc+net+pid+cgroup).
//
// The defaults below are only defaults: any --benchmark_* flag given on the command
// line wins. For steadier numbers, run longer, e.g.
//
//   build/bin/nsmatrix-bench --benchmark_repetitions=10 --benchmark_min_time=1
//
// (Google Benchmark 1.7.1: --benchmark_min_time is a plain number of seconds.) Our own
// flag: --nsm_sustained=K, creates per BM_Sustained iteration (default 200).
//
// A benchmark whose namespace type the kernel refuses is skipped with the reason
// ("unsupported: ..."); any other error (EPERM without root, ENOSPC at a namespace
// limit) fails it, and the binary exits 1 after the whole run. The last lines printed
// are the harness's overhead ratios against their targets.
#include <benchmark/benchmark.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_registry.h"
#include "bench/bench_support.h"
#include "bench/ratio_reporter.h"

namespace nsm {
namespace {

// Prepended to the command line, so later (user) flags override them. They are
// not set per benchmark in code, because in 1.7.1 code settings beat flags.
constexpr const char* kDefaultFlags[] = {
    "--benchmark_repetitions=3",
    "--benchmark_min_time=0.1",
    "--benchmark_display_aggregates_only=true",
};

constexpr std::string_view kSustainedFlag = "--nsm_sustained=";

// Another display format (--benchmark_format=json|csv) keeps the library's own
// reporter, without the ratio lines.
bool WantsConsole(const std::vector<char*>& args) {
  bool console = true;
  for (const char* arg : args) {
    constexpr std::string_view kFlag = "--benchmark_format=";
    if (std::string_view(arg).starts_with(kFlag))
      console = std::string_view(arg).substr(kFlag.size()) == "console";
  }
  return console;
}

// Takes our own flags out of `args`; false (with a message) for a bad value.
bool TakeOwnFlags(std::vector<char*>& args, BenchOptions& options) {
  for (auto it = args.begin(); it != args.end();) {
    std::string_view arg = *it;
    if (arg == "--help") {
      printf(
          "nsmatrix-bench: namespace creation and nsmatrix's overhead (see bench/bench_main.cc).\n"
          "  --nsm_sustained=K  creates per BM_Sustained iteration (default %d)\n"
          "Google Benchmark's own flags follow.\n\n",
          options.sustained_count);
    }
    if (!arg.starts_with(kSustainedFlag)) {
      ++it;
      continue;
    }
    std::string_view value = arg.substr(kSustainedFlag.size());
    auto [end, ec] =
        std::from_chars(value.data(), value.data() + value.size(), options.sustained_count);
    if (ec != std::errc() || end != value.data() + value.size() || options.sustained_count < 1 ||
        options.sustained_count > 1000000) {
      fprintf(stderr, "nsmatrix-bench: %s: expected a whole number from 1 to 1000000\n", *it);
      return false;
    }
    it = args.erase(it);
  }
  return true;
}

void AddContext(const BenchOptions& options) {
  utsname host{};
  if (uname(&host) == 0) benchmark::AddCustomContext("kernel", host.release);
  benchmark::AddCustomContext("nsmatrix_version", NSM_VERSION);
  benchmark::AddCustomContext("nsm_sustained", std::to_string(options.sustained_count));
}

int Main(int argc, char** argv) {
  std::vector<char*> args = {argv[0]};
  for (const char* flag : kDefaultFlags) args.push_back(const_cast<char*>(flag));
  args.insert(args.end(), argv + 1, argv + argc);
  BenchOptions options;
  if (!TakeOwnFlags(args, options)) return 2;
  int args_count = static_cast<int>(args.size());
  const bool console = WantsConsole(args);
  args.push_back(nullptr);

  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 2;
  AddContext(options);
  RegisterCreateBenchmarks(options);
  RegisterUnshareSetnsBenchmarks(options);
  RegisterLaunchBenchmarks(options);
  RegisterRuntimeBenchmarks(options);
  RegisterMatrixBenchmarks(options);

  size_t matched = 0;
  if (console) {
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
  return AnyBenchmarkFailed() ? 1 : 0;
}

}  // namespace
}  // namespace nsm

int main(int argc, char** argv) {
  return nsm::Main(argc, argv);
}
