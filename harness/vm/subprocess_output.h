// Programs nsmatrix vm starts (ldd, qemu-system-x86_64), with their output
// read through a pipe and their lifetime tied to ours.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

struct PipedChild {
  ChildProcess process;  // killed and reaped by its destructor
  UniqueFd output;       // its stdout and stderr
};

struct SpawnOptions {
  // A mount namespace of its own (a slave of ours) with a tmpfs on /run, for
  // a program that writes state there even to print its version (crun 1.8
  // makes /run/crun). Needs root; if it cannot be had, the program is not run
  // (exit 126, saying why).
  bool own_run = false;
};

// argv[0] is looked up in PATH. stdin is /dev/null; the signal mask and
// dispositions are the defaults; the child gets SIGKILL if this process dies
// (even by SIGKILL), so nothing it starts outlives it.
Result<PipedChild> SpawnPiped(const std::vector<std::string>& argv,
                              const SpawnOptions& options = {});

struct CapturedOutput {
  ExitStatus status;
  std::string output;
};
// Runs to completion (killed at the deadline: an error).
Result<CapturedOutput> RunAndCapture(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout,
                                     const SpawnOptions& options = {});

}  // namespace nsm
