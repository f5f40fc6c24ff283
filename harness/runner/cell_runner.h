// Runs one combination inside a host sandbox: launch the container with the
// probe, collect its report under a deadline, judge every probe from the host
// side, then restore the sandbox for the next combination.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/judge/judge.h"
#include "harness/launcher/launcher.h"
#include "harness/runtime/runtime.h"
#include "harness/sandbox/host_sandbox.h"

namespace nsm {

struct CellEnvironment {
  int probe_exe_fd = -1;
  std::vector<std::string> probes;  // in run order
  IdMapPlan id_maps;
  UsernsMap userns_map = UsernsMap::unprivileged;  // what id_maps were planned from
  ChildPlanOptions child;
  std::chrono::milliseconds timeout{10000};
  std::string rootfs;  // empty: the host's root
  int cgroup_fd = -1;  // the cell cgroup, or -1
  long time_offset_seconds = 0;
  // A container runtime that makes the containers instead of the launcher
  // (nullptr: the launcher), and its program's absolute path.
  const RuntimeAdapter* runtime = nullptr;
  std::string runtime_path;
  std::string container_prefix = "nsm-";          // WorkerConfig's
  std::vector<std::string> runtime_capabilities;  // the OCI runtimes' process capabilities
  // Launcher features some probes need, decided once from `probes`
  // (SetProbes): pid.signal_sender's pending signal, mnt.propagation_in's
  // host mount before exec.
  bool pending_signal = false;
  bool host_mounts_before_exec = false;
  void SetProbes(std::vector<std::string> ids);
};

// One observation per requested probe, in the requested order.
std::vector<Observation> RunCombination(NsSet ns, const CellEnvironment& env, HostSandbox& sandbox);

}  // namespace nsm
