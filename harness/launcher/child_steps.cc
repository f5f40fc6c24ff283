#include "harness/launcher/child_steps.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "probes/protocol.h"

namespace nsm {

std::string_view Describe(ChildStep step) {
  switch (step) {
    case ChildStep::kWaitForIdMaps:
      return "wait for id maps";
    case ChildStep::kBecomeRoot:
      return "setresuid/setresgid to container root";
    case ChildStep::kMakeMountsPrivate:
      return "mount --make-rprivate /";
    case ChildStep::kMountProc:
      return "mount proc on /proc";
    case ChildStep::kUnshareTimeAndFork:
      return "unshare(CLONE_NEWTIME) and fork";
    case ChildStep::kInstallResultFd:
      return "install result descriptor";
    case ChildStep::kExecProbe:
      return "execveat probe";
  }
  return "unknown step";
}

std::vector<ChildStep> PlanChildSteps(NsSet ns, const ChildPlanOptions& options) {
  std::vector<ChildStep> steps;
  if (ns.Has(Ns::user)) {
    steps.push_back(ChildStep::kWaitForIdMaps);
    steps.push_back(ChildStep::kBecomeRoot);
  }
  if (ns.Has(Ns::mnt)) steps.push_back(ChildStep::kMakeMountsPrivate);
  if (ns.Has(Ns::mnt) && ns.Has(Ns::pid)) steps.push_back(ChildStep::kMountProc);
  if (ns.Has(Ns::time) && options.time_via_unshare) steps.push_back(ChildStep::kUnshareTimeAndFork);
  steps.push_back(ChildStep::kInstallResultFd);
  steps.push_back(ChildStep::kExecProbe);
  return steps;
}

uint64_t CloneFlagsFor(NsSet ns, const ChildPlanOptions& options) {
  uint64_t flags = ns.CloneFlags();
  if (options.time_via_unshare) flags &= ~static_cast<uint64_t>(CLONE_NEWTIME);
  return flags;
}

namespace {

[[noreturn]] void Die(const ChildContext& ctx, ChildStep step, int err) {
  ChildFailure failure{static_cast<int32_t>(step), err};
  (void)!write(ctx.error_fd, &failure, sizeof(failure));
  _exit(127);
}

// Returns 0 or an errno. Plain system calls only (see header).
int RunStep(const ChildContext& ctx, ChildStep step) {
  switch (step) {
    case ChildStep::kWaitForIdMaps: {
      char go = 0;
      ssize_t n;
      do {
        n = read(ctx.go_fd, &go, 1);
      } while (n < 0 && errno == EINTR);
      return n == 1 ? 0 : (n == 0 ? EPIPE : errno);
    }
    case ChildStep::kBecomeRoot:
      if (ctx.may_setgroups && syscall(SYS_setgroups, 0, nullptr) != 0) return errno;
      if (syscall(SYS_setresgid, 0, 0, 0) != 0) return errno;
      if (syscall(SYS_setresuid, 0, 0, 0) != 0) return errno;
      return 0;
    case ChildStep::kMakeMountsPrivate:
      return mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 ? 0 : errno;
    case ChildStep::kMountProc:
      return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0 ? 0
                                                                                            : errno;
    case ChildStep::kUnshareTimeAndFork: {
      if (syscall(SYS_unshare, CLONE_NEWTIME) != 0) return errno;
      long pid = syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, nullptr);
      if (pid < 0) return errno;
      if (pid == 0) {
        // The grandchild lives in the new time namespace and goes on to exec.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        return 0;
      }
      // The intermediate only relays the grandchild's exit status; it must not
      // keep the error or result pipes open, or the parent never sees EOF.
      close(ctx.error_fd);
      close(ctx.result_fd);
      int status = 0;
      while (waitpid(static_cast<pid_t>(pid), &status, 0) < 0 && errno == EINTR) {
      }
      _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    case ChildStep::kInstallResultFd:
      if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) return errno;
      // dup2 clears close-on-exec on the new descriptor; result_fd is never 3.
      if (dup2(ctx.result_fd, protocol::kResultFd) < 0) return errno;
      return 0;
    case ChildStep::kExecProbe:
      syscall(SYS_execveat, ctx.exe_fd, "", ctx.argv, ctx.envp, AT_EMPTY_PATH);
      return errno;
  }
  return EINVAL;
}

}  // namespace

void RunChildSteps(const ChildContext& ctx) {
  for (size_t i = 0; i < ctx.step_count; ++i) {
    int err = RunStep(ctx, ctx.steps[i]);
    if (err != 0) Die(ctx, ctx.steps[i], err);
  }
  _exit(126);  // the plan always ends in exec
}

}  // namespace nsm
