#include "harness/sandbox/sandbox_process.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness/common/io.h"
#include "harness/launcher/clone3.h"
#include "harness/runner/worker.h"
#include "harness/sandbox/host_sandbox.h"

extern char** environ;

namespace nsm {
Result<SandboxProcess> StartSandbox(int self_exe_fd, const std::vector<std::string>& args,
                                    bool with_time_ns) {
  UniqueFd cmd_r, cmd_w, reply_r, reply_w;
  if (Status s = HighPipe(&cmd_r, &cmd_w); !s) return std::unexpected(s.error());
  if (Status s = HighPipe(&reply_r, &reply_w); !s) return std::unexpected(s.error());
  // dup2() onto 3 and 4 below must not clobber the program's descriptor.
  Result<UniqueFd> exe = HighDup(self_exe_fd);
  if (!exe) return std::unexpected(exe.error());
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("nsmatrix"));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  uint64_t flags = SandboxCloneFlags() | (with_time_ns ? CLONE_NEWTIME : 0);
  Result<Cloned> cloned = Clone3(flags);
  if (!cloned) return std::unexpected(std::move(cloned.error()).Wrap("create host sandbox"));
  if (cloned->pid == 0) {
    // Raw clone3 child: plain system calls only. A session of its own keeps
    // the terminal's Ctrl-C away from the sandbox: the runner handles it.
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (dup2(cmd_r.Get(), kWorkerCommandFd) < 0 || dup2(reply_w.Get(), kWorkerReplyFd) < 0)
      _exit(126);
    syscall(SYS_execveat, exe->Get(), "", argv.data(), environ, AT_EMPTY_PATH);
    _exit(127);
  }
  return SandboxProcess{ChildProcess(cloned->pid, std::move(cloned->pidfd)), std::move(cmd_w),
                        std::move(reply_r)};
}

}  // namespace nsm
