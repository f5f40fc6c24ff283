// The harness's whole container launch against the kernel's floor, per namespace set.
//
//   BM_Launch/<set>  nsm::Launch as the matrix runs it (clone3, id maps written by the
//                    parent, the container's namespace links read, mount propagation
//                    and a fresh /proc for mnt+pid, time namespace via unshare + fork,
//                    exec of nsprobe), the probe's report read to EOF and checked, the
//                    container reaped. nsprobe runs no probe: it reports its hello and
//                    end records only. The time is the launch's alone (manual time).
//
// Paired floor: every iteration first runs the kernel's floor for the same flags
// (clone3 + execveat of the static nsm-noop + waitid, floor.h), timed apart, then the
// launch. Counter floor_seconds is the floor's mean per iteration in that repetition,
// so the two are measured under the same state of the machine: on a busy VM the cost
// of a wake-up drifts by tens of percent within seconds, and a floor measured a minute
// earlier than its launch turned the ratio into a coin toss.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "bench/bench_registry.h"
#include "bench/bench_support.h"
#include "bench/floor.h"
#include "bench/paired_timer.h"
#include "harness/common/fixtures.h"
#include "harness/common/io.h"
#include "harness/judge/probe_output.h"
#include "harness/launcher/launcher.h"

namespace nsm {
namespace {

constexpr auto kProbeTimeout = std::chrono::seconds(10);
constexpr size_t kMaxProbeOutput = 1 << 16;

struct LaunchSetup {
  UniqueFd probe;
  IdMapPlan id_maps;
};

Result<LaunchSetup> PrepareLaunch() {
  Result<std::string> path = SiblingProgram("nsprobe");
  if (!path) return std::unexpected(path.error());
  UniqueFd probe(open(path->c_str(), O_PATH | O_CLOEXEC));
  if (!probe.Valid()) return FailErrno("open(" + *path + ", O_PATH)", "the probe program");
  // As `nsmatrix run` does by default (--userns-map unprivileged).
  IdMapPlan maps = PlanIdMapsForThisProcess(UsernsMap::unprivileged);
  return LaunchSetup{std::move(probe), std::move(maps)};
}

Status LaunchAndCollect(NsSet set, const LaunchSetup& setup) {
  LaunchSpec spec;
  spec.namespaces = set;
  spec.id_maps = setup.id_maps;
  spec.probe_exe_fd = setup.probe.Get();
  spec.argv = {"nsprobe"};
  spec.time_offset_seconds = fixtures::kTimeOffsetSeconds;
  Result<Container> container = Launch(spec);
  if (!container) return std::unexpected(container.error());
  auto deadline = std::chrono::steady_clock::now() + kProbeTimeout;
  Result<ReadToEndResult> output = CollectOutput(*container, deadline, kMaxProbeOutput);
  if (!output) return std::unexpected(output.error());
  if (output->timed_out) return Fail(ETIMEDOUT, "read the probe's report", set.ToString());
  ProbeOutput parsed = ParseProbeOutput(output->data, {});
  if (parsed.stream_error)
    return Fail(EPROTO, "probe report: " + *parsed.stream_error, set.ToString());
  Result<ExitStatus> status = container->process.Reap();
  if (!status) return std::unexpected(status.error());
  if (!status->exited || status->code != 0)
    return Fail(0, "nsprobe " + status->Describe(), set.ToString());
  return {};
}

void BM_Launch(benchmark::State& state, NsSet set) {
  state.SetLabel(set.ToString());
  Result<LaunchSetup> setup = PrepareLaunch();
  if (!setup) return SkipWith(state, setup.error());
  Result<std::string> noop = SiblingProgram("nsm-noop");
  if (!noop) return SkipWith(state, noop.error());
  Result<Floor> floor = Floor::Open(*noop);
  if (!floor) return SkipWith(state, floor.error());
  RunPaired(
      state, [&] { return floor->RunOne(set); }, [&] { return LaunchAndCollect(set, *setup); });
}

}  // namespace

void RegisterLaunchBenchmarks(const BenchOptions&) {
  for (const NamedSet& s : BenchSets()) {
    benchmark::RegisterBenchmark(("BM_Launch/" + s.name).c_str(), BM_Launch, s.set)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace nsm
