// Ctrl-C as a descriptor: SIGINT, SIGTERM, SIGHUP and SIGQUIT are blocked and
// become readable on a signalfd that a command polls, so an interrupt tears
// down what it started through its owners (sandboxes, QEMU) and the command
// ends with 130, never killed half way by the signal itself.
#pragma once

#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

// The signalfd; on failure the signals are unblocked again.
Result<UniqueFd> InterruptFd();

}  // namespace nsm
