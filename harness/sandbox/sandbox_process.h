// Starting a host sandbox from the runner's side: clone3 into the sandbox's
// namespaces and exec this program as `__sandbox-worker` there.
#pragma once

#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/result.h"

namespace nsm {

struct SandboxProcess {
  ChildProcess process;
  UniqueFd commands;  // runner -> worker
  UniqueFd replies;   // worker -> runner
};

// `args` follow argv[0]; the worker gets the command pipe on fd 3 and the reply pipe on fd 4.
Result<SandboxProcess> StartSandbox(int self_exe_fd, const std::vector<std::string>& args,
                                    bool with_time_ns);

}  // namespace nsm
