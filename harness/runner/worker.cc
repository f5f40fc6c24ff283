#include "harness/runner/worker.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "harness/common/fixtures.h"
#include "harness/common/io.h"
#include "harness/common/protocol.h"
#include "harness/runner/cell_runner.h"
#include "harness/runner/worker_config.h"
#include "harness/runtime/oci_config.h"

namespace nsm {
namespace {

Status Reply(const protocol::Record& record) {
  return WriteAll(kWorkerChannelFd, protocol::Format(record) + "\n");
}

int Fatal(const Error& error) {
  protocol::Record fatal{"fatal", "", {}};
  fatal.Add("error", error.Message());
  (void)Reply(fatal);
  return 1;
}

// The first record on the channel: the plan's part this worker runs.
Result<WorkerConfig> ReadConfig(LineBuffer& buffer) {
  Result<std::optional<std::string>> line = ReadLine(kWorkerChannelFd, buffer);
  if (!line) return std::unexpected(line.error());
  if (!*line) return Fail(EPROTO, "worker config", "the channel closed before it came");
  Result<protocol::Record> record = protocol::Parse(**line);
  if (!record) return std::unexpected(record.error());
  return DecodeWorkerConfig(*record);
}

}  // namespace

int RunSandboxWorker() {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The runner blocks SIGINT/SIGTERM for its signalfd; nothing here needs that.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  LineBuffer buffer;
  Result<WorkerConfig> read = ReadConfig(buffer);
  if (!read) return Fatal(read.error());
  const WorkerConfig& config = *read;
  // getppid() is 0 in a new PID namespace, so the runner's death shows as EOF
  // on the command pipe (and PDEATHSIG covers a runner killed outright).
  // Opened before the sandbox mounts its fixtures over /tmp, where the
  // program (or the cgroup tree) might live.
  UniqueFd exe(open(config.probe_path.c_str(), O_PATH | O_CLOEXEC));
  if (!exe.Valid()) return Fatal(FailErrno("open " + config.probe_path, "probe program").error());
  UniqueFd cgroup;
  SandboxConfig sandbox_config;
  sandbox_config.index = config.index;
  sandbox_config.root = config.rootfs.empty() ? "/" : config.rootfs;
  sandbox_config.without = config.sandbox_without;
  if (!config.cgroup_cell.empty()) {
    cgroup.Reset(open(config.cgroup_cell.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!cgroup.Valid()) return Fatal(FailErrno("open cgroup " + config.cgroup_cell).error());
    sandbox_config.cgroup_cell = config.cgroup_cell;
  } else {
    sandbox_config.cgroup_unavailable =
        config.cgroup_unavailable.empty() ? "not set up" : config.cgroup_unavailable;
  }
  std::unique_ptr<RuntimeAdapter> runtime = MakeRuntimeAdapter(config.runtime);
  if (runtime) {
    SandboxNeeds needs = runtime->Needs();
    sandbox_config.runtime_workspace = needs.bundle_workspace;
    sandbox_config.empty_cgroup2_controllers = needs.empty_cgroup2_controllers;
    sandbox_config.private_run = needs.private_run;
  }
  Result<HostSandbox> sandbox = HostSandbox::SetUp(sandbox_config);
  if (!sandbox) return Fatal(sandbox.error());

  CellEnvironment env;
  env.runtime = runtime.get();
  env.runtime_path = config.runtime_path;
  if (!config.container_prefix.empty()) env.container_prefix = config.container_prefix;
  if (runtime) env.runtime_capabilities = BoundingCapabilityNames();
  env.userns_map = config.userns_map;
  env.probe_exe_fd = exe.Get();
  env.SetProbes(config.probes);
  env.id_maps = PlanIdMapsForThisProcess(config.userns_map);
  env.child.time_via_unshare = config.time_via_unshare;
  env.child.propagation = config.propagation;
  env.timeout = config.timeout;
  env.rootfs = config.rootfs;
  env.cgroup_fd = cgroup.Get();
  env.time_offset_seconds = config.time_via_unshare ? fixtures::kTimeOffsetSeconds : 0;

  protocol::Record ready{std::string(protocol::kHello), "", {}};
  ready.Add("ready", 1).Add("hostname", sandbox->ExpectedHostname());
  if (!Reply(ready)) return 1;

  while (true) {
    Result<std::optional<std::string>> line = ReadLine(kWorkerChannelFd, buffer);
    if (!line) return Fatal(line.error());
    if (!*line) return 0;  // the runner is done
    Result<protocol::Record> request = protocol::Parse(**line);
    std::optional<long long> index = request ? request->GetInt("combination") : std::nullopt;
    if (!request || request->kind != "run" || !index || *index < 0 || *index >= kCombinationCount) {
      return Fatal(Fail(EPROTO, "worker request", "'" + **line + "'").error());
    }
    std::vector<Observation> observations =
        RunCombination(NsSet::FromIndex(static_cast<unsigned>(*index)), env, *sandbox);
    // One write per combination: the runner wakes once, not once per probe.
    std::string replies;
    for (const Observation& o : observations) {
      protocol::Record record{"probe", o.probe, {}};
      record.Add("outcome", std::string(Name(o.outcome))).Add("detail", o.detail);
      if (!o.refused_types.Empty())
        record.Add("refused", static_cast<long long>(o.refused_types.Index()));
      replies += protocol::Format(record) + "\n";
    }
    protocol::Record end{"end", "", {}};
    end.Add("probes", static_cast<long long>(observations.size()));
    replies += protocol::Format(end) + "\n";
    if (!WriteAll(kWorkerChannelFd, replies)) return 1;
  }
}

}  // namespace nsm
