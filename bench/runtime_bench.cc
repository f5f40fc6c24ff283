// What a container costs when a real runtime makes it, against the kernel's
// floor and nsmatrix's own launcher, for the flag sets every runtime accepts.
//
//   BM_RuntimeLaunch/<runtime>:<set>  the runtime's command line as `nsmatrix run
//                    --runtime` builds it (container root mapped to the caller),
//                    started with clone3 + execve, nsprobe run by it (hello and end
//                    records only), its report read to EOF, the runtime reaped.
//                    Paired with the floor for the same flags (floor.h), as
//                    BM_Launch is; the report also divides it by BM_Launch/<set>.
//
// A runtime not on PATH is skipped (its benchmark says why), not a failure.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "bench/bench_registry.h"
#include "bench/bench_support.h"
#include "bench/floor.h"
#include "bench/paired_timer.h"
#include "harness/judge/probe_output.h"
#include "harness/runtime/runtime.h"
#include "harness/runtime/runtime_launch.h"
#include "probes/fixtures.h"

namespace nsm {
namespace {

constexpr auto kProbeTimeout = std::chrono::seconds(10);
constexpr size_t kMaxProbeOutput = 1 << 16;

// The sets every runtime here makes: bwrap needs mnt and makes no time namespace.
constexpr const char* kRuntimeSets[] = {"mnt", "story", "docker"};

Status RunOnce(const std::vector<std::string>& argv, int probe_fd, NsSet set) {
  Result<RuntimeContainer> launched = LaunchRuntime(argv, probe_fd, -1);
  if (!launched) return std::unexpected(launched.error());
  Container& container = launched->container;
  auto deadline = std::chrono::steady_clock::now() + kProbeTimeout;
  Result<ReadToEndResult> output = CollectOutput(container, deadline, kMaxProbeOutput);
  if (!output) return std::unexpected(output.error());
  if (output->timed_out) return Fail(ETIMEDOUT, "read the probe's report", set.ToString());
  ProbeOutput parsed = ParseProbeOutput(output->data, {});
  if (parsed.stream_error) {
    return Fail(EPROTO, "probe report: " + *parsed.stream_error,
                set.ToString() + ": " + DrainMessage(launched->stderr_read.Get(), 300));
  }
  Result<ExitStatus> status = container.process.Reap();
  if (!status) return std::unexpected(status.error());
  if (!status->exited || status->code != 0)
    return Fail(0, argv[0] + " " + status->Describe(), set.ToString());
  return {};
}

// Not this machine's failure: the runtime is not installed, or cannot make the set.
void SkipUnsupported(benchmark::State& state, const std::string& why) {
  state.SkipWithError((std::string(kUnsupportedPrefix) + why).c_str());
}

void BM_RuntimeLaunch(benchmark::State& state, RuntimeKind kind, NsSet set) {
  std::unique_ptr<RuntimeAdapter> adapter = MakeRuntimeAdapter(kind);
  Result<std::string> runtime = FindRuntimeProgram(*adapter);
  if (!runtime) return SkipUnsupported(state, runtime.error().Message());
  Result<std::string> probe_path = SiblingProgram("nsprobe");
  if (!probe_path) return SkipWith(state, probe_path.error());
  UniqueFd probe(open(probe_path->c_str(), O_PATH | O_CLOEXEC));
  if (!probe.Valid())
    return SkipWith(state, FailErrno("open(" + *probe_path + ", O_PATH)").error());
  Result<std::string> noop = SiblingProgram("nsm-noop");
  if (!noop) return SkipWith(state, noop.error());
  Result<Floor> floor = Floor::Open(*noop);
  if (!floor) return SkipWith(state, floor.error());

  RuntimeCell cell;
  cell.namespaces = set;
  cell.userns_map = UsernsMap::root;
  cell.propagation = adapter->FixedPropagation().value_or(Propagation::kPrivate);
  cell.time_offset_seconds = fixtures::kTimeOffsetSeconds;
  cell.probe_program = kProbeExePath;
  auto command = adapter->Command(cell, *runtime);
  if (const Refusal* refusal = std::get_if<Refusal>(&command))
    return SkipUnsupported(
        state, std::string(Name(kind)) + " cannot make " + set.ToString() + ": " + refusal->why);
  const std::vector<std::string>& argv = std::get<RuntimeCommand>(command).argv;

  RunPaired(
      state, [&] { return floor->RunOne(set); }, [&] { return RunOnce(argv, probe.Get(), set); });
}

}  // namespace

void RegisterRuntimeBenchmarks(const BenchOptions&) {
  for (RuntimeKind kind : {RuntimeKind::unshare, RuntimeKind::bwrap}) {
    for (const NamedSet& s : BenchSets()) {
      if (std::find(std::begin(kRuntimeSets), std::end(kRuntimeSets), s.name) ==
          std::end(kRuntimeSets))
        continue;
      std::string name = "BM_RuntimeLaunch/" + std::string(Name(kind)) + ":" + s.name;
      benchmark::RegisterBenchmark(name.c_str(), BM_RuntimeLaunch, kind, s.set)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace nsm
