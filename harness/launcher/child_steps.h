// What the child does between clone3 and exec, as a table.
//
// PlanChildSteps decides the steps from the flags and options (pure,
// unit-tested without root); RunChildSteps carries them out with plain system
// calls only, since it runs in a raw clone3 child. A failing step writes
// {step, errno} to the error pipe and exits; the parent turns that into an
// Error naming the step.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/common/run_options.h"

namespace nsm {

enum class ChildStep : int32_t {
  kWaitForGo,       // block until the parent has looked at the new namespaces (and written id maps)
  kSetPropagation,  // mnt: private/slave/shared on / (recursive), so mounts stay in (or leak)
  kPivotRoot,       // mnt + root filesystem: bind it, pivot_root into it, detach the old root
  kChroot,          // root filesystem without mnt: chroot, as the story does
  kReplaceProc,     // mnt+pid without user: its own procfs on /proc, the inherited one detached
  kMountProc,       // mnt+pid: a procfs of the container's own PID namespace on /proc
  kBecomeRoot,      // user: setresgid/setresuid to container root, drop groups
  kWaitForHost,     // tell the parent the container is set up, block until it has acted
  kInstallResultFd,  // the result pipe becomes fd 3, /dev/null fds 0-2, all else close-on-exec
  kExecProbe,        // execveat(probe fd, AT_EMPTY_PATH)
};

std::string_view Describe(ChildStep step);

struct ChildPlanOptions {
  // Time namespaces with offsets, made by the launcher before clone3 (see
  // time_ns.h), which then leaves CLONE_NEWTIME out. clone3(CLONE_NEWTIME)
  // cannot carry offsets: the kernel freezes them once a process has entered.
  bool time_via_unshare = true;
  Propagation propagation = Propagation::kPrivate;
  bool has_rootfs = false;  // run in a root filesystem other than the host's
  // The parent acts on the host once the container's mounts are set up, just
  // before exec (a mount made "after the container started", for example).
  bool host_acts_before_exec = false;
};

std::vector<ChildStep> PlanChildSteps(NsSet ns, const ChildPlanOptions& options);
// The clone3 flags that go with the plan (CLONE_NEWTIME moves to unshare).
uint64_t CloneFlagsFor(NsSet ns, const ChildPlanOptions& options);

// Everything the child needs, prepared by the parent before clone3.
struct ChildContext {
  const ChildStep* steps = nullptr;
  size_t step_count = 0;
  int error_fd = -1;   // write end of the error pipe (close-on-exec)
  int go_fd = -1;      // read end of the "go" pipe (one byte per wait)
  int ready_fd = -1;   // write end of the "set up" pipe (kWaitForHost)
  int null_fd = -1;    // /dev/null, for the probe's stdin, stdout and stderr
  int result_fd = -1;  // write end of the result pipe
  int exe_fd = -1;     // the probe program, opened O_PATH
  bool may_setgroups = true;
  unsigned long propagation_flags = 0;  // MS_PRIVATE, MS_SLAVE or MS_SHARED
  const char* rootfs = nullptr;         // absolute path
  char* const* argv = nullptr;
  char* const* envp = nullptr;
};

struct ChildFailure {
  int32_t step;
  int32_t err;
};

[[noreturn]] void RunChildSteps(const ChildContext& ctx);

}  // namespace nsm
