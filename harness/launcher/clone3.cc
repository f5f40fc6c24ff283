#include "harness/launcher/clone3.h"

#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "harness/common/namespaces.h"
#include "harness/common/strings.h"

namespace nsm {

Result<Cloned> Clone3(uint64_t flags, std::span<const pid_t> set_tid, int cgroup_fd) {
  int pidfd = -1;
  clone_args args;
  memset(&args, 0, sizeof(args));
  args.flags = flags | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  if (!set_tid.empty()) {
    args.set_tid = reinterpret_cast<uint64_t>(set_tid.data());
    args.set_tid_size = set_tid.size();
  }
  long pid = syscall(SYS_clone3, &args, sizeof(args));
  if (pid < 0) {
    int err = errno;
    std::string op = "clone3(" + CloneFlagNames(flags) + ")";
    if (!(flags & NsSet::All().CloneFlags())) return Fail(err, op, {}, NamespaceHint(err));
    // CLONE_INTO_CGROUP refuses a cgroup the caller may not move into with
    // EACCES or EPERM too: the same clone3 without it tells whose refusal it was.
    // If that fails as well, its own errno says why (EAGAIN at a pids limit is
    // no refusal of the namespaces, whatever the cgroup said first).
    if (cgroup_fd >= 0 && RefusesNamespaces(err)) {
      Result<Cloned> without = Clone3(flags, set_tid);
      if (without && without->pid == 0) _exit(0);
      if (!without) {
        return std::unexpected(std::move(without.error())
                                   .Wrap(op + " into cgroup fd " + std::to_string(cgroup_fd) +
                                         " failed with " + ErrnoName(err) + ", and without it"));
      }
      siginfo_t info;
      while (waitid(P_PIDFD, without->pidfd.Get(), &info, WEXITED) < 0 && errno == EINTR) {
      }
      return Fail(err, op + " into cgroup fd " + std::to_string(cgroup_fd),
                  "the same flags without the cgroup succeed: the cgroup refused the process");
    }
    return FailCreatingNamespaces(err, op, {}, NamespaceHint(err));
  }
  Cloned cloned;
  cloned.pid = static_cast<pid_t>(pid);
  if (pid > 0) cloned.pidfd.Reset(pidfd);
  return cloned;
}

std::string CloneFlagNames(uint64_t flags) {
  std::vector<std::string> names;
  static const std::pair<uint64_t, const char*> kNames[] = {
      {CLONE_NEWNS, "CLONE_NEWNS"},         {CLONE_NEWUTS, "CLONE_NEWUTS"},
      {CLONE_NEWIPC, "CLONE_NEWIPC"},       {CLONE_NEWNET, "CLONE_NEWNET"},
      {CLONE_NEWPID, "CLONE_NEWPID"},       {CLONE_NEWUSER, "CLONE_NEWUSER"},
      {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"}, {CLONE_NEWTIME, "CLONE_NEWTIME"}};
  for (const auto& [flag, name] : kNames) {
    if (flags & flag) names.emplace_back(name);
  }
  return names.empty() ? "no namespace" : Join(names, "|");
}

bool Clone3SupportsNewTime() {
  static const bool supported = [] {
    Result<Cloned> child = Clone3(CLONE_NEWTIME);
    if (!child) return child.error().err != EINVAL;  // EPERM etc. are not about support
    if (child->pid == 0) _exit(0);
    siginfo_t info;
    while (waitid(P_PIDFD, child->pidfd.Get(), &info, WEXITED) < 0 && errno == EINTR) {
    }
    return true;
  }();
  return supported;
}

}  // namespace nsm
