// Times the harness and the kernel's floor side by side, one pair per iteration, so
// that their ratio compares the two under the same state of the machine.
//
//   PairedTimer timer;
//   for (auto _ : state) {
//     if (Status s = timer.Floor([&] { return floor.RunOne(set); }); !s) ...
//     Result<double> seconds = timer.Harness([&] { return Launch(...); });
//     if (!seconds) ...
//     state.SetIterationTime(*seconds);   // the benchmark uses manual time
//   }
//   timer.Report(state);                  // counter kPairedFloorCounter
//
// Each side runs twice and only the second run is timed. Network and IPC namespaces
// are torn down by deferred kernel work that outlasts the run that made them; the
// untimed run before each timed one is of the same kind, so each timed run pays the
// teardown of its own kind, as it would back to back, never the other side's.
//
// The benchmark's time is the harness's alone; counter kPairedFloorCounter
// (reports/bench/bench_report.h) holds the floor's mean per iteration over the same
// repetition. The report divides the harness's median by this counter's median.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "bench/bench_support.h"
#include "harness/common/result.h"
#include "reports/bench/bench_report.h"

namespace nsm {

class PairedTimer {
 public:
  template <class Fn>
  Status Floor(Fn&& run) {
    Result<double> seconds = WarmThenTime(run);
    if (!seconds) return std::unexpected(seconds.error());
    floor_seconds_ += *seconds;
    return {};
  }

  template <class Fn>
  Result<double> Harness(Fn&& run) {
    return WarmThenTime(run);
  }

  void Report(benchmark::State& state) const {
    if (state.iterations() == 0) return;
    state.counters[std::string(kPairedFloorCounter)] =
        benchmark::Counter(floor_seconds_, benchmark::Counter::kAvgIterations);
  }

 private:
  template <class Fn>
  static Result<double> WarmThenTime(Fn& run) {
    if (Status warm = run(); !warm) return std::unexpected(warm.error());
    auto start = std::chrono::steady_clock::now();
    Status status = run();
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (!status) return std::unexpected(status.error());
    return took.count();
  }

  double floor_seconds_ = 0;
};

// The usual loop around a PairedTimer: each iteration the floor, then the
// harness; the harness's time is the iteration's (manual time); the first
// failure skips or fails the benchmark (SkipWith). Reports the floor counter.
template <class FloorFn, class HarnessFn>
void RunPaired(benchmark::State& state, FloorFn&& floor, HarnessFn&& harness) {
  PairedTimer timer;
  for (auto _ : state) {
    if (Status s = timer.Floor(floor); !s) {
      SkipWith(state, s.error());
      break;
    }
    Result<double> seconds = timer.Harness(harness);
    if (!seconds) {
      SkipWith(state, seconds.error());
      break;
    }
    state.SetIterationTime(*seconds);
  }
  timer.Report(state);
}

}  // namespace nsm
