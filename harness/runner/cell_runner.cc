#include "harness/runner/cell_runner.h"

#include <algorithm>

#include "harness/common/io.h"
#include "harness/judge/probe_output.h"
#include "probes/fixtures.h"

namespace nsm {
namespace {

constexpr size_t kMaxProbeOutput = kResultPipeBytes;

std::vector<Observation> AllWith(const CellEnvironment& env, Outcome outcome,
                                 const std::string& detail) {
  std::vector<Observation> out;
  for (const std::string& probe : env.probes) out.push_back({probe, outcome, detail});
  return out;
}

std::vector<std::string> ProbeArgv(const CellEnvironment& env, const HostSandbox& sandbox) {
  const CellNames& names = sandbox.Names();
  std::string mknod_name = names.mknod_path.substr(names.mknod_path.rfind('/') + 1);
  std::vector<std::string> argv = {"nsprobe",
                                   "--sentinel-pid=" + std::to_string(sandbox.SentinelPid()),
                                   "--sentinel-comm=" + sandbox.SentinelComm(),
                                   "--hostname=" + names.hostname,
                                   "--domainname=" + names.domainname,
                                   "--leak-source=" + names.leak_source,
                                   "--mknod-name=" + mknod_name,
                                   "--host-secret=" + sandbox.SecretPathFromSandboxRoot(),
                                   "--propagation-source=" + names.propagation_source,
                                   "--shm-marker=" + names.shm_marker,
                                   "--orphan-comm=" + names.orphan_comm};
  if (std::optional<CellCgroupDir> cell = sandbox.CellCgroup())
    argv.push_back("--cgroup-cell=" + cell->path);
  argv.insert(argv.end(), env.probes.begin(), env.probes.end());
  return argv;
}

// Runs the container and judges what it reported. The sandbox is healthy.
std::vector<Observation> RunAndJudge(NsSet ns, const CellEnvironment& env, HostSandbox& sandbox) {
  LaunchSpec spec;
  spec.namespaces = ns;
  spec.id_maps = env.id_maps;
  spec.child = env.child;
  spec.probe_exe_fd = env.probe_exe_fd;
  spec.argv = ProbeArgv(env, sandbox);
  spec.rootfs = env.rootfs;
  spec.cgroup_fd = env.cgroup_fd;
  spec.time_offset_seconds = env.time_offset_seconds;
  if (env.pending_signal) spec.pending_signal = fixtures::kPendingSignal;
  if (env.host_mounts_before_exec)
    spec.before_exec = [&sandbox] { return sandbox.MountForPropagationProbe(); };

  Result<Container> container = Launch(spec);
  if (!container) {
    // Only the kernel refusing the namespaces makes a combination unsupported;
    // a setup step failing after that is the harness's or the setup's error.
    Outcome outcome = IsCreationRefused(container.error()) ? Outcome::unsupported : Outcome::error;
    return AllWith(env, outcome, container.error().Message());
  }
  sandbox.SetContainerNsLinks(container->ns_links);
  auto deadline = std::chrono::steady_clock::now() + env.timeout;
  Result<ReadToEndResult> output = CollectOutput(*container, deadline, kMaxProbeOutput);
  std::string problem;
  if (!output) {
    problem = output.error().Message();
  } else if (output->timed_out) {
    problem = "timed out after " + std::to_string(env.timeout.count()) + " ms";
  } else if (output->truncated) {
    problem = "more than 1 MiB of output";
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (!container->process.WaitExit(std::max(left, std::chrono::milliseconds(0))) &&
      problem.empty()) {
    problem = "timed out after " + std::to_string(env.timeout.count()) + " ms";
  }
  container->process.KillAndReap();
  sandbox.EndCell();
  const std::optional<ExitStatus>& status = container->process.Status();
  std::string exit_text = status ? status->Describe() : "not reaped";

  ProbeOutput parsed =
      ParseProbeOutput(output && !output->truncated ? output->data : std::string(), env.probes);
  if (problem.empty() && parsed.stream_error) problem = *parsed.stream_error;
  if (problem.empty() && status && !(status->exited && status->code == 0))
    problem = "probe ended with " + exit_text;
  std::vector<Observation> observations;
  for (const std::string& probe : env.probes) {
    auto it = parsed.records.find(probe);
    if (it != parsed.records.end()) {
      observations.push_back(Judge(it->second, sandbox));
    } else {
      observations.push_back({probe, Outcome::error,
                              "no result: " + (problem.empty() ? "missing record" : problem) +
                                  " (" + exit_text + ")"});
    }
  }
  return observations;
}

}  // namespace

void CellEnvironment::SetProbes(std::vector<std::string> ids) {
  probes = std::move(ids);
  auto wanted = [&](const char* probe) {
    return std::find(probes.begin(), probes.end(), probe) != probes.end();
  };
  pending_signal = wanted("pid.signal_sender");
  host_mounts_before_exec = wanted("mnt.propagation_in");
}

std::vector<Observation> RunCombination(NsSet ns, const CellEnvironment& env,
                                        HostSandbox& sandbox) {
  sandbox.BeginCell(ns.Index());
  std::vector<Observation> observations;
  if (Status healthy = sandbox.CheckBeforeCell(); !healthy) {
    observations =
        AllWith(env, Outcome::error,
                "host sandbox fixture unhealthy before launch: " + healthy.error().Message());
  } else {
    observations = RunAndJudge(ns, env, sandbox);
  }
  // Whatever the container left running goes first, then the fixtures are
  // checked and put back where needed. A sandbox that cannot be restored
  // would make later cells lie: say so.
  Status restored = sandbox.ResetAfterCell();
  if (!restored) {
    for (Observation& o : observations) {
      o.outcome = Outcome::error;
      o.detail = "host sandbox could not be restored: " + restored.error().Message();
    }
  }
  return observations;
}

}  // namespace nsm
