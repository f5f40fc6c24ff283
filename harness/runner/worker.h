// The sandbox worker: `nsmatrix __sandbox-worker`, exec'd by the runner as
// PID 1 of a fresh host sandbox. It sets the sandbox up, then answers
//   run combination=N
// with one `probe ID outcome=... detail=...` record per probe and `end`.
// It exits when the runner closes its command pipe (or dies: PDEATHSIG).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/launcher/id_map.h"

namespace nsm {

struct WorkerConfig {
  int index = 0;
  std::string probe_path;
  std::vector<std::string> probes;
  UsernsMap userns_map = UsernsMap::unprivileged;
  std::chrono::milliseconds timeout{10000};
  bool time_via_unshare = false;
};

inline constexpr int kWorkerCommandFd = 3;
inline constexpr int kWorkerReplyFd = 4;

// Runs the worker loop on kWorkerCommandFd/kWorkerReplyFd. Returns the exit code.
int RunSandboxWorker(const WorkerConfig& config);

}  // namespace nsm
