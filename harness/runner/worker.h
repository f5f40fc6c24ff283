// The sandbox worker (the program nsm-sandbox, worker_main.cc), exec'd by the runner as
// PID 1 of a fresh host sandbox. It sets the sandbox up, then answers
//   run combination=N
// with one `probe ID outcome=... detail=...` record per probe and `end`.
// It exits when the runner closes its command pipe (or dies: PDEATHSIG).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/run_options.h"

namespace nsm {

struct WorkerConfig {
  int index = 0;
  std::string probe_path;
  std::vector<std::string> probes;
  UsernsMap userns_map = UsernsMap::unprivileged;
  std::chrono::milliseconds timeout{10000};
  bool time_via_unshare = true;
  Propagation propagation = Propagation::kPrivate;
  std::string rootfs;              // empty: the host's root
  std::string cgroup_cell;         // the cgroup (v2 directory) containers start in
  std::string cgroup_unavailable;  // why there is none (when cgroup_cell is empty)
  NsSet sandbox_without;           // namespaces the sandbox shares with the caller
  RuntimeKind runtime = RuntimeKind::native;
  std::string runtime_path;  // the runtime's program (absolute), unless native
};

inline constexpr int kWorkerChannelFd = 3;

// Runs the worker loop on kWorkerChannelFd. Returns the exit code.
int RunSandboxWorker(const WorkerConfig& config);

}  // namespace nsm
