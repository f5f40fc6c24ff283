// clone3(2), which glibc does not wrap. The child side of a raw clone3 shares
// glibc's state with the parent (cached TID included), so code after it must
// stick to plain system calls until exec: no allocation, no abort, no raise.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>

#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

struct Cloned {
  pid_t pid = -1;  // 0 in the child
  UniqueFd pidfd;  // parent only
};

// clone3 with CLONE_PIDFD and SIGCHLD; `set_tid` picks the PID (innermost
// first); `cgroup_fd` >= 0 starts the child in that cgroup (CLONE_INTO_CGROUP).
Result<Cloned> Clone3(uint64_t flags, std::span<const pid_t> set_tid = {}, int cgroup_fd = -1);

// "CLONE_NEWNS|CLONE_NEWPID" for error messages.
std::string CloneFlagNames(uint64_t flags);

// Does clone3 accept CLONE_NEWTIME here? Older kernels refuse it (EINVAL) and
// need unshare(CLONE_NEWTIME) + fork. Asked of the kernel once per process.
bool Clone3SupportsNewTime();

}  // namespace nsm
