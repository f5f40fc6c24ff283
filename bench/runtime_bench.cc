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
// runc and crun take an OCI bundle: their benchmarks run in a mount namespace
// of their own (a slave of the machine's, left when the benchmark ends) with
// a /tmp of its own and there the workspace `nsmatrix run` gives them in a
// host sandbox (harness/sandbox/runtime_workspace.h): a copy of / with a
// throwaway /dev, their --root state and the bundle. Nothing of it reaches the
// machine. The copy doubles the mounts that a new mount namespace copies, for
// the paired floor too. systemd-nspawn takes the same workspace's root, with
// a /run of its own, and runs in a cgroup of its own below the caller's.
//
// A runtime not on PATH is skipped (its benchmark says why), not a failure.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "bench/bench_registry.h"
#include "bench/bench_support.h"
#include "bench/floor.h"
#include "bench/paired_timer.h"
#include "harness/common/fixtures.h"
#include "harness/judge/probe_output.h"
#include "harness/runtime/oci_config.h"
#include "harness/runtime/runtime.h"
#include "harness/runtime/runtime_launch.h"
#include "harness/sandbox/cgroup_tree.h"
#include "harness/sandbox/runtime_workspace.h"

namespace nsm {
namespace {

constexpr auto kProbeTimeout = std::chrono::seconds(10);
constexpr size_t kMaxProbeOutput = 1 << 16;

// The sets every runtime here makes: bwrap and nspawn need mnt and make no
// time namespace. A set a runtime refuses here is skipped, saying why.
constexpr const char* kRuntimeSets[] = {"mnt", "story", "docker"};

Status RunOnce(const std::vector<std::string>& argv, int probe_fd, NsSet set, int cgroup_fd,
               const RuntimeStart& start) {
  Result<RuntimeContainer> launched = LaunchRuntime(argv, probe_fd, cgroup_fd, start);
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

// A private mount namespace with a bundle runtime's workspace, for as long as
// it lives; then back in the namespace the benchmark started in, the
// workspace's directory removed.
class BundleWorkspace {
 public:
  static Result<std::unique_ptr<BundleWorkspace>> Enter(const SandboxNeeds& needs) {
    auto ws = std::unique_ptr<BundleWorkspace>(new BundleWorkspace);
    ws->original_.Reset(open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC));
    if (!ws->original_.Valid()) return FailErrno("open /proc/self/ns/mnt", "bench workspace");
    if (unshare(CLONE_NEWNS) != 0) return FailErrno("unshare(CLONE_NEWNS)", "bench workspace");
    ws->entered_ = true;
    if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
      return FailErrno("make / rslave", "bench workspace");
    // A /tmp of its own: nothing is made on the machine's, even if the
    // benchmark is killed.
    if (mount("nsm-bench", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=8m") != 0)
      return FailErrno("mount tmpfs on /tmp", "bench workspace");
    if (Status s = MakeRuntimeWorkspace("/", kDir); !s) return std::unexpected(s.error());
    if (needs.empty_cgroup2_controllers) {
      if (Status s = EmptyCgroup2Controllers(); !s) return std::unexpected(s.error());
    }
    if (needs.private_run) {
      if (Status s = MountPrivateRun(); !s) return std::unexpected(s.error());
    }
    return ws;
  }
  ~BundleWorkspace() {
    // The namespace, its mounts with it, goes when nothing is in it.
    if (entered_ && setns(original_.Get(), CLONE_NEWNS) != 0) {
      perror("nsmatrix-bench: setns back to the original mount namespace");
      abort();  // the rest would run in the wrong namespace
    }
  }
  static constexpr const char* kDir = "/tmp/.nsm-runtime";

 private:
  BundleWorkspace() = default;
  UniqueFd original_;
  bool entered_ = false;
};

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

  std::unique_ptr<BundleWorkspace> workspace;
  RuntimeCell cell;
  if (adapter->Needs().bundle_workspace) {
    Result<std::unique_ptr<BundleWorkspace>> entered = BundleWorkspace::Enter(adapter->Needs());
    if (!entered) return SkipWith(state, entered.error());
    workspace = std::move(*entered);
    cell.container_id = "nsm-bench-" + std::to_string(getpid());
    cell.rootfs = std::string(BundleWorkspace::kDir) + "/rootfs";
    cell.state_dir = std::string(BundleWorkspace::kDir) + "/state";
    cell.bundle_dir = std::string(BundleWorkspace::kDir) + "/bundles/" + cell.container_id;
    cell.capabilities = BoundingCapabilityNames();
  }
  cell.namespaces = set;
  cell.userns_map = UsernsMap::root;
  cell.propagation = adapter->FixedPropagation().value_or(Propagation::kPrivate);
  cell.time_offset_seconds = fixtures::kTimeOffsetSeconds;
  cell.probe_program = kProbeExePath;
  auto command = adapter->Command(cell, *runtime);
  if (const Refusal* refusal = std::get_if<Refusal>(&command))
    return SkipUnsupported(
        state, std::string(Name(kind)) + " cannot make " + set.ToString() + ": " + refusal->why);
  const RuntimeCommand& run = std::get<RuntimeCommand>(command);
  const std::vector<std::string>& argv = run.argv;
  if (!run.files.empty()) {
    if (Status s = WriteRuntimeFiles(cell.bundle_dir, run.files); !s)
      return SkipWith(state, s.error());
  }
  RuntimeStart start;
  start.env = run.env;
  start.listen_fds = run.listen_fds;
  // nspawn's own mount namespace as `nsmatrix run` gives it, and a cgroup of
  // its own below the caller's: it makes its payload's cgroup below the one
  // it runs in (in the benchmark's cgroup tree, removed with it).
  std::optional<CgroupTree> cgroups;
  UniqueFd cell_cgroup;
  if (adapter->Needs().own_mount_namespace) {
    Result<CgroupTree> tree = CgroupTree::Create();
    if (!tree) return SkipWith(state, tree.error());
    cgroups.emplace(std::move(*tree));
    Result<CgroupTree::WorkerCgroups> worker = cgroups->AddWorker(0);
    if (!worker) return SkipWith(state, worker.error());
    start.own_mount_namespace = true;
    start.own_mounts = ApiFilesystemsOff(cell.rootfs);
    start.own_mounts.push_back(CgroupHierarchyFrom(cgroups->HierarchyRoot()));
    cell_cgroup.Reset(open(worker->cell.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!cell_cgroup.Valid()) return SkipWith(state, FailErrno("open " + worker->cell).error());
  }

  // A set the runtime itself refuses here (nspawn without a cgroup
  // namespace on a hybrid layout, say) is skipped with its message.
  if (Status trial = RunOnce(argv, probe.Get(), set, cell_cgroup.Get(), start); !trial) {
    if (adapter->IsRefusal(trial.error().Message(), set))
      return SkipUnsupported(state, std::string(Name(kind)) + " refused " + set.ToString() + ": " +
                                        trial.error().Message());
    return SkipWith(state, trial.error());
  }
  RunPaired(
      state, [&] { return floor->RunOne(set); },
      [&] { return RunOnce(argv, probe.Get(), set, cell_cgroup.Get(), start); });
}

}  // namespace

void RegisterRuntimeBenchmarks(const BenchOptions&) {
  for (RuntimeKind kind : {RuntimeKind::unshare, RuntimeKind::bwrap, RuntimeKind::runc,
                           RuntimeKind::crun, RuntimeKind::nspawn}) {
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
