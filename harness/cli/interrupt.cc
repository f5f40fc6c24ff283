#include "harness/cli/interrupt.h"

#include <signal.h>
#include <sys/signalfd.h>

namespace nsm {

Result<UniqueFd> InterruptFd() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  UniqueFd fd(signalfd(-1, &set, SFD_CLOEXEC));
  if (!fd.Valid()) {
    Status failed = FailErrno("signalfd", "watch for Ctrl-C");
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    return std::unexpected(failed.error());
  }
  return fd;
}

}  // namespace nsm
