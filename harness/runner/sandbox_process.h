// Starting a host sandbox from the runner's side: clone3 into the sandbox's
// namespaces and exec the worker program (nsm-sandbox) there.
#pragma once

#include "harness/common/child_process.h"
#include "harness/common/namespaces.h"
#include "harness/common/result.h"

namespace nsm {

struct SandboxProcess {
  ChildProcess process;
  // Commands go down, replies come up. A socket, not pipes: a root process in
  // a container could reopen a pipe through /proc/<worker>/fd and forge
  // replies; a socket cannot be reopened that way.
  UniqueFd channel;
};

// The worker gets its end of the channel on fd 3. `cgroup_fd` >= 0 starts
// the sandbox in that cgroup. `without`: namespaces (of
// SandboxOptionalNamespaces) the sandbox shares with the caller.
Result<SandboxProcess> StartSandbox(int worker_exe_fd, bool with_time_ns, int cgroup_fd,
                                    NsSet without = {});

}  // namespace nsm
