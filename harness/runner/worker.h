// The sandbox worker (the program nsm-sandbox, worker_main.cc), exec'd by the runner as
// PID 1 of a fresh host sandbox. It reads its part of the plan (worker_config.h), sets
// the sandbox up, says it is ready, then answers
//   run combination=N
// with one `probe ID outcome=... detail=...` record per probe and `end`.
// It exits when the runner closes its command pipe (or dies: PDEATHSIG).
#pragma once

namespace nsm {

inline constexpr int kWorkerChannelFd = 3;

// Reads the config, then runs the worker loop, on kWorkerChannelFd. Returns the
// exit code.
int RunSandboxWorker();

}  // namespace nsm
