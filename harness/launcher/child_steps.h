// What the child does between clone3 and exec, as a table.
//
// PlanChildSteps decides the steps from the flags (pure, unit-tested without
// root); RunChildSteps carries them out with plain system calls only, since it
// runs in a raw clone3 child. A failing step writes {step, errno} to the error
// pipe and exits; the parent turns that into an Error naming the step.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"

namespace nsm {

enum class ChildStep : int32_t {
  kWaitForIdMaps,       // user: block until the parent has written uid/gid maps
  kBecomeRoot,          // user: setresgid/setresuid to container root, drop groups
  kMakeMountsPrivate,   // mnt: MS_REC|MS_PRIVATE on /, so nothing propagates out
  kMountProc,           // mnt+pid: a procfs of the container's own PID namespace on /proc
  kUnshareTimeAndFork,  // time, where clone3 refuses CLONE_NEWTIME
  kInstallResultFd,     // the result pipe becomes fd 3, every other fd close-on-exec
  kExecProbe,           // execveat(probe fd, AT_EMPTY_PATH)
};

std::string_view Describe(ChildStep step);

struct ChildPlanOptions {
  bool time_via_unshare = false;  // the kernel's clone3 refuses CLONE_NEWTIME
};

std::vector<ChildStep> PlanChildSteps(NsSet ns, const ChildPlanOptions& options);
// The clone3 flags that go with the plan (CLONE_NEWTIME moves to unshare).
uint64_t CloneFlagsFor(NsSet ns, const ChildPlanOptions& options);

// Everything the child needs, prepared by the parent before clone3.
struct ChildContext {
  const ChildStep* steps = nullptr;
  size_t step_count = 0;
  int error_fd = -1;   // write end of the error pipe (close-on-exec)
  int go_fd = -1;      // read end of the "id maps written" pipe
  int result_fd = -1;  // write end of the result pipe
  int exe_fd = -1;     // the probe program, opened O_PATH
  bool may_setgroups = true;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
};

struct ChildFailure {
  int32_t step;
  int32_t err;
};

[[noreturn]] void RunChildSteps(const ChildContext& ctx);

}  // namespace nsm
