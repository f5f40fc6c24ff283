#include "harness/launcher/child_steps.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "harness/common/protocol.h"

namespace nsm {

std::string_view Describe(ChildStep step) {
  switch (step) {
    case ChildStep::kWaitForGo:
      return "wait for the parent's go";
    case ChildStep::kBecomeRoot:
      return "setresuid/setresgid to container root";
    case ChildStep::kWaitForHost:
      return "wait for the host to act before exec";
    case ChildStep::kSetPropagation:
      return "set mount propagation on /";
    case ChildStep::kPivotRoot:
      return "pivot_root into the root filesystem";
    case ChildStep::kChroot:
      return "chroot into the root filesystem";
    case ChildStep::kReplaceProc:
      return "replace the inherited /proc with a procfs of its own";
    case ChildStep::kMountProc:
      return "mount proc on /proc";
    case ChildStep::kInstallResultFd:
      return "install result descriptor";
    case ChildStep::kExecProbe:
      return "execveat probe";
  }
  return "unknown step";
}

std::vector<ChildStep> PlanChildSteps(NsSet ns, const ChildPlanOptions& options) {
  // The parent reads /proc/PID/ns/* while the child waits: the host's own
  // record of the namespaces, before any container code runs.
  std::vector<ChildStep> steps = {ChildStep::kWaitForGo};
  if (ns.Has(Ns::mnt) && options.propagation != Propagation::kUnchanged)
    steps.push_back(ChildStep::kSetPropagation);
  // pivot_root needs a bind mount of the new root first; under shared
  // propagation that bind would land in the host's mount table too (and
  // pivot_root refuses a shared parent anyway), so those modes chroot.
  bool shared =
      options.propagation == Propagation::kShared || options.propagation == Propagation::kUnchanged;
  if (options.has_rootfs) {
    steps.push_back(ns.Has(Ns::mnt) && !shared ? ChildStep::kPivotRoot : ChildStep::kChroot);
  }
  if (ns.Has(Ns::mnt) && ns.Has(Ns::pid)) {
    // A procfs mounted over the /proc this mount namespace copied leaves the
    // host sandbox's under it, listing its processes to whoever unmounts the
    // new one (container root may: it mounted it; pid.proc_under). It is
    // replaced instead where that is possible and harmless: with a user
    // namespace the kernel locks the copy (MNT_LOCKED); under shared
    // propagation detaching the copy would propagate (its parent, the root,
    // is a peer of the sandbox's) and unmount the sandbox's own /proc.
    bool replace = !ns.Has(Ns::user) && !shared;
    steps.push_back(replace ? ChildStep::kReplaceProc : ChildStep::kMountProc);
  }
  // Last before exec: until now the child's fsuid is still the host's root,
  // so it can reach a root filesystem under a directory only root may
  // search (/root, a 0700 temp dir), with all capabilities of its new user
  // namespace for the mounts. Container root (host uid 100000) could not.
  if (ns.Has(Ns::user)) steps.push_back(ChildStep::kBecomeRoot);
  if (options.host_acts_before_exec) steps.push_back(ChildStep::kWaitForHost);
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

int PivotRoot(const ChildContext& ctx) {
  // pivot_root needs the new root to be a mount point: bind it onto itself.
  if (mount(ctx.rootfs, ctx.rootfs, nullptr, MS_BIND | MS_REC, nullptr) != 0) return errno;
  if (chdir(ctx.rootfs) != 0) return errno;
  if (syscall(SYS_pivot_root, ".", ".") != 0) return errno;
  // The old root is now stacked on "."; detach it so the host's tree is gone.
  if (umount2(".", MNT_DETACH) != 0) return errno;
  return chdir("/") == 0 ? 0 : errno;
}

// The new procfs is made detached first (fsmount), while the inherited one is
// still on /proc: in a user namespace other than the machine's, the kernel
// lets a procfs be made only while another is fully visible (EPERM after a
// pivot_root, which leaves none but the one on /proc). Then the inherited one
// is detached (the sandbox's copy is private: nothing of this reaches the
// sandbox; EINVAL: nothing there, or what is there locked, which
// pid.proc_under then finds) and the new one moved onto /proc.
int ReplaceProc() {
  int fs = fsopen("proc", FSOPEN_CLOEXEC);
  if (fs < 0) return errno;
  int mnt = -1;
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == 0)
    mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  int err = errno;
  close(fs);
  if (mnt < 0) return err;
  // Every procfs stacked there, as the sandbox detaches the machine's.
  err = 0;
  for (int i = 0; i < 16 && err == 0; ++i) {
    if (umount2("/proc", MNT_DETACH) != 0) err = errno == EINVAL ? -1 : errno;
  }
  if (err < 0) err = 0;
  if (err == 0 && move_mount(mnt, "", AT_FDCWD, "/proc", MOVE_MOUNT_F_EMPTY_PATH) != 0) err = errno;
  close(mnt);
  return err;
}

int WaitForGo(const ChildContext& ctx) {
  char go = 0;
  ssize_t n;
  do {
    n = read(ctx.go_fd, &go, 1);
  } while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : (n == 0 ? EPIPE : errno);
}

// Returns 0 or an errno. Plain system calls only (see header).
int RunStep(const ChildContext& ctx, ChildStep step) {
  switch (step) {
    case ChildStep::kWaitForGo:
      return WaitForGo(ctx);
    case ChildStep::kWaitForHost: {
      ssize_t n;
      do {
        n = write(ctx.ready_fd, "s", 1);
      } while (n < 0 && errno == EINTR);
      if (n != 1) return n < 0 ? errno : EPIPE;
      return WaitForGo(ctx);
    }
    case ChildStep::kBecomeRoot:
      if (ctx.may_setgroups && syscall(SYS_setgroups, 0, nullptr) != 0) return errno;
      if (syscall(SYS_setresgid, 0, 0, 0) != 0) return errno;
      if (syscall(SYS_setresuid, 0, 0, 0) != 0) return errno;
      // Changing uids clears "dumpable", which hands /proc/self to global root
      // and locks container root out of it (timens_offsets among others).
      if (prctl(PR_SET_DUMPABLE, 1) != 0) return errno;
      return 0;
    case ChildStep::kSetPropagation:
      return mount(nullptr, "/", nullptr, MS_REC | ctx.propagation_flags, nullptr) == 0 ? 0 : errno;
    case ChildStep::kPivotRoot:
      return PivotRoot(ctx);
    case ChildStep::kChroot:
      if (chdir(ctx.rootfs) != 0 || chroot(".") != 0 || chdir("/") != 0) return errno;
      return 0;
    case ChildStep::kReplaceProc:
      return ReplaceProc();
    case ChildStep::kMountProc:
      return mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0 ? 0
                                                                                            : errno;
    case ChildStep::kInstallResultFd:
      if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) return errno;
      // dup2 clears close-on-exec on the new descriptor; result_fd is never 3.
      if (dup2(ctx.result_fd, protocol::kResultFd) < 0) return errno;
      // Never the operator's terminal: the container is untrusted.
      for (int fd = 0; fd <= 2; ++fd) {
        if (dup2(ctx.null_fd, fd) < 0) return errno;
      }
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
