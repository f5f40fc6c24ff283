#include "harness/runner/cell_runner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <variant>

#include "harness/common/fixtures.h"
#include "harness/common/io.h"
#include "harness/judge/probe_output.h"
#include "harness/runtime/runtime_cgroups.h"
#include "harness/runtime/runtime_launch.h"

namespace nsm {
namespace {

constexpr size_t kMaxProbeOutput = kResultPipeBytes;
constexpr size_t kMaxRuntimeMessage = 400;
constexpr size_t kMaxRuntimeStderr = 8192;
constexpr std::chrono::milliseconds kRuntimeDeleteLimit{5000};
constexpr std::chrono::milliseconds kRuntimeExitGrace{250};

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
  if (std::optional<CellCgroupDir> cell = sandbox.CellCgroup()) {
    argv.push_back("--cgroup-cell=" + cell->path);
    if (!cell->in_ns.empty()) argv.push_back("--cgroup-cell-in-ns=" + cell->in_ns);
  }
  argv.insert(argv.end(), env.probes.begin(), env.probes.end());
  return argv;
}

struct Launched {
  Container container;
  UniqueFd runtime_stderr;  // a runtime's stderr; invalid for the native launcher
  // A bundle runtime's: the bundle to remove, and its state to delete when
  // the runtime left any (it was killed, say).
  std::string bundle_dir;
  std::string state_entry;
  std::vector<std::string> delete_argv;
  std::string cgroup_name;
};
// A running container, or every probe's observation when there is none.
using LaunchOutcome = std::variant<Launched, std::vector<Observation>>;

LaunchOutcome LaunchNative(NsSet ns, const CellEnvironment& env, HostSandbox& sandbox) {
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
    const bool refused = IsCreationRefused(container.error());
    std::vector<Observation> all =
        AllWith(env, refused ? Outcome::unsupported : Outcome::error, container.error().Message());
    if (refused) {
      for (Observation& o : all) o.refused_types = ns;
    }
    return all;
  }
  Launched launched;
  launched.container = std::move(*container);
  return launched;
}

// Where a bundle runtime's files for this cell go, in the sandbox's workspace.
void PlaceInWorkspace(RuntimeCell& cell, NsSet ns, const CellEnvironment& env,
                      const HostSandbox& sandbox) {
  const std::string& workspace = sandbox.RuntimeWorkspace();
  if (workspace.empty()) return;
  cell.container_id =
      env.container_prefix + sandbox.Nonce().substr(0, 8) + "-" + std::to_string(ns.Index());
  cell.rootfs = workspace + "/rootfs";
  cell.state_dir = workspace + "/state";
  cell.bundle_dir = workspace + "/bundles/" + cell.container_id;
  cell.capabilities = env.runtime_capabilities;
}

// SandboxNeeds::own_mount_namespace's steps: the workspace root's API
// filesystems taken off (the runtime mounts its own), the sandbox's cgroup
// namespace root (the cell's parent) as the whole of /sys/fs/cgroup, and the
// sandbox's own sysfs over /sys/class/net taken off.
// Without a cell cgroup the runtime would make its cgroups in the machine's
// hierarchy, so there is no container.
Result<std::vector<RuntimeMount>> OwnMountNamespaceSteps(const std::string& rootfs,
                                                         const HostSandbox& sandbox) {
  std::optional<CellCgroupDir> cell = sandbox.CellCgroup();
  if (!cell || cell->in_ns.empty()) {
    return Fail(0, "give the runtime a cgroup hierarchy of the sandbox's",
                cell ? "the host sandbox has no cgroup namespace of its own here"
                     : "there is no cell cgroup here; the runtime would make its cgroups in the "
                       "machine's own");
  }
  std::vector<RuntimeMount> steps = ApiFilesystemsOff(rootfs);
  steps.push_back(CgroupHierarchyFrom(cell->path.substr(0, cell->path.rfind('/'))));
  // The sandbox's own sysfs on /sys/class/net (host_sandbox.cc) covers a
  // directory that is not empty, so its /sys is not fully visible, and the
  // kernel refuses a new sysfs mount in a user namespace there (EPERM: it
  // allows one only where the mounter could see a whole sysfs anyway). No
  // container sees the sandbox's /sys; nspawn mounts its own.
  steps.push_back({"", "/sys/class/net"});
  return steps;
}

// Names only, never following a link. Nothing to do without a bundle.
Status RemoveBundle(const std::string& dir) {
  if (dir.empty()) return {};
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.Valid()) {
    if (errno == ENOENT) return {};
    return FailErrno("open " + dir, "remove the bundle");
  }
  if (Status s = EmptyDirectory(fd.Get(), dir); !s) return s;
  if (rmdir(dir.c_str()) != 0) return FailErrno("rmdir " + dir, "remove the bundle");
  return {};
}

LaunchOutcome LaunchWithRuntime(NsSet ns, const CellEnvironment& env, HostSandbox& sandbox) {
  RuntimeCell cell;
  cell.namespaces = ns;
  cell.userns_map = env.userns_map;
  cell.propagation = env.child.propagation;
  cell.time_offset_seconds = env.time_offset_seconds;
  cell.probe_program = kProbeExePath;
  std::vector<std::string> argv = ProbeArgv(env, sandbox);
  cell.probe_args.assign(argv.begin() + 1, argv.end());
  PlaceInWorkspace(cell, ns, env, sandbox);
  if (env.runtime->Needs().bundle_workspace && cell.rootfs.empty()) {
    return AllWith(env, Outcome::error,
                   "the runtime needs a workspace and the host sandbox has none");
  }
  auto command = env.runtime->Command(cell, env.runtime_path);
  if (const Refusal* refusal = std::get_if<Refusal>(&command))
    return AllWith(env, Outcome::refused,
                   std::string(Name(env.runtime->Kind())) + ": " + refusal->why);
  RuntimeCommand& run = std::get<RuntimeCommand>(command);
  Launched launched;
  if (!run.files.empty()) {
    if (cell.bundle_dir.empty()) {
      return AllWith(env, Outcome::error,
                     "the runtime needs a bundle and the host sandbox has no workspace for it");
    }
    launched.bundle_dir = cell.bundle_dir;
    if (Status s = WriteRuntimeFiles(cell.bundle_dir, run.files); !s) {
      (void)RemoveBundle(cell.bundle_dir);
      return AllWith(env, Outcome::error, s.error().Message());
    }
  }
  if (!run.delete_argv.empty()) launched.state_entry = cell.state_dir + "/" + cell.container_id;
  launched.delete_argv = std::move(run.delete_argv);
  launched.cgroup_name = std::move(run.cgroup_name);
  RuntimeStart start;
  start.env = std::move(run.env);
  start.listen_fds = run.listen_fds;
  if (env.runtime->Needs().own_mount_namespace) {
    Result<std::vector<RuntimeMount>> mounts = OwnMountNamespaceSteps(cell.rootfs, sandbox);
    if (!mounts) {
      (void)RemoveBundle(launched.bundle_dir);
      return AllWith(env, Outcome::error, mounts.error().Message());
    }
    start.own_mounts = std::move(*mounts);
    start.own_mount_namespace = true;
  }
  Result<RuntimeContainer> started =
      LaunchRuntime(run.argv, env.probe_exe_fd, env.cgroup_fd, start);
  if (!started) {
    (void)RemoveBundle(launched.bundle_dir);
    return AllWith(env, Outcome::error, started.error().Message());
  }
  launched.container = std::move(started->container);
  launched.runtime_stderr = std::move(started->stderr_read);
  return launched;
}

// After a runtime's container: its state deleted by the runtime itself when
// it left any (it was killed at the deadline, say), then the bundle removed.
// What could not be cleaned up, as an error.
// Every step is tried; the first failure is the one reported.
Status CleanUpAfterRuntime(const Launched& launched, const CellEnvironment& env) {
  Status first;
  auto keep = [&first](Status s) {
    if (!s && first) first = std::move(s);
  };
  struct stat st {};
  if (!launched.delete_argv.empty() && lstat(launched.state_entry.c_str(), &st) == 0)
    keep(RunToEnd(launched.delete_argv, env.probe_exe_fd, env.cgroup_fd, kRuntimeDeleteLimit));
  if (!launched.cgroup_name.empty())
    keep(RemoveCgroupsNamed(launched.cgroup_name, kRuntimeDeleteLimit));
  keep(RemoveBundle(launched.bundle_dir));
  return first;
}

// Judges the probe's records; a probe without one is an error with the first
// of `problem`, the stream's own error, and `exit_problem`.
std::vector<Observation> JudgeRecords(const std::string& data, std::string problem,
                                      const std::string& exit_problem, const std::string& exit_text,
                                      const CellEnvironment& env, HostSandbox& sandbox) {
  ProbeOutput parsed = ParseProbeOutput(data, env.probes);
  if (problem.empty() && parsed.stream_error) problem = *parsed.stream_error;
  if (problem.empty()) problem = exit_problem;
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

// The launcher's container: its exit ends the output.
std::vector<Observation> RunNative(Launched& launched, const CellEnvironment& env,
                                   HostSandbox& sandbox) {
  Container& container = launched.container;
  sandbox.SetContainerNsLinks(container.ns_links);
  auto deadline = std::chrono::steady_clock::now() + env.timeout;
  Result<ReadToEndResult> output = CollectOutput(container, deadline, kMaxProbeOutput);
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
  if (!container.process.WaitExit(std::max(left, std::chrono::milliseconds(0))) &&
      problem.empty()) {
    problem = "timed out after " + std::to_string(env.timeout.count()) + " ms";
  }
  container.process.KillAndReap();
  sandbox.EndCell();
  const std::optional<ExitStatus>& status = container.process.Status();
  std::string exit_text = container.process.StatusText();
  std::string exit_problem;
  if (status && !(status->exited && status->code == 0))
    exit_problem = "probe ended with " + exit_text;
  return JudgeRecords(output && !output->truncated ? output->data : std::string(), problem,
                      exit_problem, exit_text, env, sandbox);
}

// A runtime's container. The runtime's exit does not end the output (see
// CollectRuntimeOutput), and a runtime that failed after its probe reported
// makes every cell an error: only a runtime that outlived a whole report
// (crun's orphan case) is ended without blame.
std::vector<Observation> RunUnderRuntime(NsSet ns, Launched& launched, const CellEnvironment& env,
                                         HostSandbox& sandbox) {
  Container& container = launched.container;
  const std::string runtime(Name(env.runtime->Kind()));
  auto deadline = std::chrono::steady_clock::now() + env.timeout;
  Result<RuntimeOutput> output =
      CollectRuntimeOutput(container, launched.runtime_stderr.Get(), deadline, kRuntimeExitGrace,
                           kMaxProbeOutput, kMaxRuntimeStderr);
  std::string problem;
  if (!output) {
    problem = output.error().Message();
  } else if (output->probe.timed_out) {
    problem = "timed out after " + std::to_string(env.timeout.count()) + " ms";
  } else if (output->probe.truncated) {
    problem = "more than 1 MiB of output";
  }
  const bool outlived = output && output->outlived;
  container.process.KillAndReap();
  WaitForContainerPidNamespaces(deadline);
  sandbox.EndCell();
  const std::optional<ExitStatus>& status = container.process.Status();
  std::string exit_text = container.process.StatusText();
  std::string stderr_text = output ? output->stderr_text : std::string();
  std::optional<std::string> own = env.runtime->OwnMessage(stderr_text);
  std::string message = OneLine(own ? *own : stderr_text, kMaxRuntimeMessage);
  std::string said = (message.empty() ? "no message" : message) + " (" + exit_text + ")";

  if (!status) return AllWith(env, Outcome::error, runtime + " could not be reaped: " + said);
  // A runtime that is merely still there after the report is ended without
  // blame (crun's orphan case); one that said something after it and stayed
  // may have failed in its teardown, and that is not judged either.
  if (outlived && output->stderr_after_end) {
    return AllWith(env, Outcome::error,
                   runtime +
                       " wrote to its stderr after the probe's end record and was still "
                       "running " +
                       std::to_string(kRuntimeExitGrace.count()) +
                       " ms later, so nothing of it is judged: " + said);
  }
  if (output && output->after_end) {
    return AllWith(env, Outcome::error,
                   runtime +
                       "'s container wrote after the probe's end record, so nothing of it "
                       "is judged: " +
                       said);
  }
  // The probe says hello before anything else, so a runtime that exits
  // without a word from it never started it. That is a refusal when the
  // runtime failed on its own account: it exited non-zero with a message in
  // its own voice ("bwrap: ...", runc's and crun's JSON log) that is one of
  // its refusals (IsRefusal) and not about the probe program itself. Anything
  // else (killed, exit 0, no message, the probe program not found, a bundle
  // it could not use) is an error: a refusal is a skip, and must never stand
  // in for a run that went wrong.
  if (problem.empty() && output->probe.data.empty()) {
    bool refused = status->exited && status->code != 0 && own &&
                   own->find(kProbeExePath) == std::string::npos &&
                   env.runtime->IsRefusal(*own, ns);
    if (refused)
      return AllWith(env, Outcome::refused, runtime + " did not start the probe: " + said);
    return AllWith(env, Outcome::error,
                   runtime + " ended without starting the probe, and not by refusing: " + said);
  }
  if (problem.empty() && !outlived && !(status->exited && status->code == 0)) {
    return AllWith(env, Outcome::error,
                   runtime + " failed after the probe's report, which is not judged: " + said);
  }
  return JudgeRecords(output && !output->probe.truncated ? output->probe.data : std::string(),
                      problem, "", exit_text, env, sandbox);
}

// Runs the container and judges what it reported. The sandbox is healthy.
std::vector<Observation> RunAndJudge(NsSet ns, const CellEnvironment& env, HostSandbox& sandbox) {
  LaunchOutcome launch =
      env.runtime ? LaunchWithRuntime(ns, env, sandbox) : LaunchNative(ns, env, sandbox);
  if (auto* observations = std::get_if<std::vector<Observation>>(&launch))
    return std::move(*observations);
  Launched& launched = std::get<Launched>(launch);
  if (!env.runtime) return RunNative(launched, env, sandbox);
  std::vector<Observation> observations = RunUnderRuntime(ns, launched, env, sandbox);
  // Only now: `delete --force` kills what is left of the container, which
  // the judges must see as it was.
  if (Status cleaned = CleanUpAfterRuntime(launched, env); !cleaned) {
    for (Observation& o : observations) {
      o.outcome = Outcome::error;
      o.detail = "the runtime's container could not be cleaned up: " + cleaned.error().Message();
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
