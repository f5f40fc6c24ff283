// A child process tracked by pidfd. The destructor kills and reaps it, so a
// child never outlives its owner on any path (errors, exceptions, Ctrl-C).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>

#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

struct ExitStatus {
  bool exited = false;  // true: code is the exit code; false: killed by signal
  int code = 0;
  int signal = 0;
  std::string Describe() const;  // "exit 0", "killed by SIGSEGV"
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  ChildProcess(ChildProcess&& other) noexcept = default;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess() { KillAndReap(); }

  pid_t Pid() const { return pid_; }
  int PidFd() const { return pidfd_.Get(); }
  bool Running() const { return pidfd_.Valid() && !status_; }

  // Has the process exited? Does not reap.
  bool HasExited() const;
  // Waits up to `timeout` for the exit (nullopt: forever). False on timeout.
  bool WaitExit(std::optional<std::chrono::milliseconds> timeout) const;
  // Reaps an exited (or exiting) process; blocks until it has exited.
  Result<ExitStatus> Reap();
  void Kill(int sig = 9) const;
  // SIGKILL and reap; safe to call repeatedly.
  void KillAndReap();
  const std::optional<ExitStatus>& Status() const { return status_; }

 private:
  pid_t pid_ = -1;
  UniqueFd pidfd_;
  std::optional<ExitStatus> status_;
};

}  // namespace nsm
