#include "harness/runner/sandbox_process.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness/common/io.h"
#include "harness/launcher/clone3.h"
#include "harness/runner/worker.h"
#include "harness/sandbox/host_sandbox.h"

extern char** environ;

namespace nsm {

Result<SandboxProcess> StartSandbox(int worker_exe_fd, bool with_time_ns, int cgroup_fd,
                                    NsSet without) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return FailErrno("socketpair");
  UniqueFd runner_end(pair[0]), worker_end_low(pair[1]);
  // dup2() onto 3 below must not clobber a descriptor the child still needs.
  Result<UniqueFd> worker_end = HighDup(worker_end_low.Get());
  if (!worker_end) return std::unexpected(worker_end.error());
  worker_end_low.Reset();
  Result<UniqueFd> exe = HighDup(worker_exe_fd);
  if (!exe) return std::unexpected(exe.error());
  char* argv[] = {const_cast<char*>("nsm-sandbox"), nullptr};

  uint64_t flags =
      (SandboxCloneFlags() | (with_time_ns ? CLONE_NEWTIME : 0)) & ~without.CloneFlags();
  Result<Cloned> cloned = Clone3(flags, {}, cgroup_fd);
  if (!cloned) return std::unexpected(std::move(cloned.error()).Wrap("create host sandbox"));
  if (cloned->pid == 0) {
    // Raw clone3 child: plain system calls only. A session of its own keeps
    // the terminal's Ctrl-C away from the sandbox: the runner handles it.
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (dup2(worker_end->Get(), kWorkerChannelFd) < 0) _exit(126);
    syscall(SYS_execveat, exe->Get(), "", argv, environ, AT_EMPTY_PATH);
    _exit(127);
  }
  return SandboxProcess{ChildProcess(cloned->pid, std::move(cloned->pidfd)), std::move(runner_end)};
}

}  // namespace nsm
