// What each namespace set costs to create and tear down: clone3 with its flags, the
// child exits at once, the parent reaps it through its pidfd. Wall-clock time, with
// one and two threads creating at once (network namespaces serialise in the kernel).
//
//   BM_Create/<set>     one create + reap per iteration.
//   BM_Sustained/<set>  --nsm_sustained=K (default 200) creates back to back per
//                       iteration: network and IPC namespaces are torn down by deferred
//                       kernel work (cleanup_net, the IPC free work) that a lone create
//                       never waits for, but that a steady stream of them competes with.
//                       Counters: items_per_second (all threads) and the p50/p99/max
//                       latency of a single create in microseconds.
#include <chrono>
#include <mutex>
#include <vector>

#include "bench/bench_registry.h"
#include "bench/bench_support.h"
#include "harness/common/child_process.h"
#include "harness/launcher/clone3.h"
#include "reports/bench/bench_stats.h"

namespace nsm {
namespace {

Status CreateAndReap(uint64_t flags) {
  Result<Cloned> cloned = Clone3(flags);
  if (!cloned) return std::unexpected(std::move(cloned.error()));
  if (cloned->pid == 0) _exit(0);  // the user namespace case too: nothing else
  ChildProcess child(cloned->pid, std::move(cloned->pidfd));
  Result<ExitStatus> status = child.Reap();
  if (!status) return std::unexpected(std::move(status.error()));
  if (!status->exited || status->code != 0) {
    return Fail(0, "child " + status->Describe(), "clone3(" + CloneFlagNames(flags) + ")");
  }
  return {};
}

void BM_Create(benchmark::State& state, NsSet set) {
  state.SetLabel(set.ToString());
  const uint64_t flags = set.CloneFlags();
  for (auto _ : state) {
    if (Status s = CreateAndReap(flags); !s) {
      SkipWith(state, s.error());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// Every thread's single-create latencies of one run, merged: percentiles over all
// of them, not an average of per-thread percentiles (a maximum must be the maximum).
struct SharedLatencies {
  std::mutex mutex;
  std::vector<double> seconds;
  int arrived = 0;
  bool failed = false;
};

void BM_Sustained(benchmark::State& state, NsSet set, int count) {
  static SharedLatencies shared;
  state.SetLabel(set.ToString());
  const uint64_t flags = set.CloneFlags();
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(count) * 8);
  bool failed = false;
  for (auto _ : state) {
    for (int i = 0; i < count && !failed; ++i) {
      auto start = std::chrono::steady_clock::now();
      Status s = CreateAndReap(flags);
      latencies.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      if (!s) {
        SkipWith(state, s.error());
        failed = true;
      }
    }
    if (failed) break;
  }
  state.SetItemsProcessed(state.iterations() * count);
  // The last thread to arrive reports for all (counters are summed over threads,
  // so only one sets them). The next run starts after every thread returned.
  std::lock_guard<std::mutex> lock(shared.mutex);
  shared.seconds.insert(shared.seconds.end(), latencies.begin(), latencies.end());
  shared.failed = shared.failed || failed;
  if (++shared.arrived < state.threads()) return;
  if (!shared.failed && !shared.seconds.empty()) {
    for (auto [name, p] : {std::pair{"p50_us", 50.0}, {"p99_us", 99.0}, {"max_us", 100.0}})
      state.counters[name] = *Percentile(shared.seconds, p) * 1e6;
  }
  shared.seconds.clear();
  shared.arrived = 0;
  shared.failed = false;
}

}  // namespace

void RegisterCreateBenchmarks(const BenchOptions& options) {
  for (const NamedSet& s : BenchSets()) {
    benchmark::RegisterBenchmark(("BM_Create/" + s.name).c_str(), BM_Create, s.set)
        ->UseRealTime()
        ->Threads(1)
        ->Threads(2)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const NamedSet& s : BenchSets()) {
    benchmark::RegisterBenchmark(("BM_Sustained/" + s.name).c_str(), BM_Sustained, s.set,
                                 options.sustained_count)
        ->UseRealTime()
        ->Threads(1)
        ->Threads(2)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace nsm
