// The host sandbox's sentinel: a process that containers try to see and kill.
// It gets a unique comm (what /proc/PID/comm shows) and, where the kernel lets
// us pick, a high PID that never collides with a container's own small PIDs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "harness/common/child_process.h"
#include "harness/common/result.h"

namespace nsm {

class Sentinel {
 public:
  static Result<Sentinel> Spawn(std::string comm);

  pid_t Pid() const { return process_.Pid(); }
  const std::string& Comm() const { return comm_; }
  bool DeadWithin(std::chrono::milliseconds grace) const { return process_.WaitExit(grace); }
  // Reaps a dead sentinel (if still unreaped) and starts a new one.
  Status Respawn();

 private:
  std::string comm_;
  ChildProcess process_;
};

}  // namespace nsm
