#include "harness/common/child_process.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

namespace nsm {

std::string ExitStatus::Describe() const {
  if (exited) return "exit " + std::to_string(code);
  const char* name = sigabbrev_np(signal);
  return std::string("killed by ") + (name ? std::string("SIG") + name : std::to_string(signal));
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    KillAndReap();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    status_ = std::move(other.status_);
    abandoned_ = std::exchange(other.abandoned_, false);
  }
  return *this;
}

std::string ChildProcess::StatusText() const {
  if (status_) return status_->Describe();
  if (abandoned_) {
    return "not dead " + std::to_string(kReapLimit.count() / 1000) +
           " s after SIGKILL (asleep in the kernel), left behind";
  }
  return "not reaped";
}

bool ChildProcess::HasExited() const {
  return WaitExit(std::chrono::milliseconds(0));
}

bool ChildProcess::WaitExit(std::optional<std::chrono::milliseconds> timeout) const {
  if (!pidfd_.Valid() || status_) return true;
  pollfd pfd{pidfd_.Get(), POLLIN, 0};
  int ms = timeout ? static_cast<int>(timeout->count()) : -1;
  while (true) {
    int n = poll(&pfd, 1, ms);
    if (n < 0 && errno == EINTR) continue;  // a deliberate retry: the deadline is the caller's
    return n > 0;
  }
}

void ChildProcess::Kill(int sig) const {
  if (pidfd_.Valid() && !status_) syscall(SYS_pidfd_send_signal, pidfd_.Get(), sig, nullptr, 0);
}

Result<ExitStatus> ChildProcess::Reap() {
  if (status_) return *status_;
  if (!pidfd_.Valid()) return Fail(ECHILD, "waitid", "no child to reap");
  siginfo_t info{};
  while (waitid(P_PIDFD, pidfd_.Get(), &info, WEXITED) < 0) {
    if (errno != EINTR) return FailErrno("waitid(P_PIDFD)", "pid " + std::to_string(pid_));
  }
  ExitStatus status;
  status.exited = info.si_code == CLD_EXITED;
  if (status.exited) {
    status.code = info.si_status;
  } else {
    status.signal = info.si_status;
  }
  status_ = status;
  pidfd_.Reset();
  return status;
}

void ChildProcess::KillAndReap(std::chrono::milliseconds limit) {
  if (!pidfd_.Valid() || status_) return;
  Kill(SIGKILL);
  if (!WaitExit(limit)) {
    abandoned_ = true;
    pidfd_.Reset();
    return;
  }
  (void)Reap();
}

}  // namespace nsm
