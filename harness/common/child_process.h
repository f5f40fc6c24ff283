// A child process tracked by pidfd. The destructor kills and reaps it, so a
// child never outlives its owner on any path (errors, exceptions, Ctrl-C),
// unless the kernel keeps it from dying (see KillAndReap).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

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
  // SIGKILL and reap; safe to call repeatedly. A process that is still not
  // dead `limit` after the SIGKILL (asleep in the kernel, uninterruptibly: a
  // hung NFS or FUSE file, a frozen cgroup; or a PID namespace's init whose
  // namespace holds such a process) is given up rather than waited for
  // without end: its descriptor is closed, Abandoned() is true, Status()
  // stays empty, and it is reaped as an orphan once it dies.
  static constexpr std::chrono::milliseconds kReapLimit{10000};
  void KillAndReap(std::chrono::milliseconds limit = kReapLimit);
  const std::optional<ExitStatus>& Status() const { return status_; }
  bool Abandoned() const { return abandoned_; }
  // Status() described, or why there is none.
  std::string StatusText() const;

 private:
  pid_t pid_ = -1;
  UniqueFd pidfd_;
  std::optional<ExitStatus> status_;
  bool abandoned_ = false;
};

}  // namespace nsm
