#include "harness/sandbox/sentinel.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>

#include "harness/common/io.h"
#include "harness/launcher/clone3.h"

namespace nsm {
namespace {

constexpr pid_t kPreferredPid = 31337;

// Returns once the sentinel carries its name: a container started before the
// child's prctl() would look for a comm nobody has yet and report a false
// "isolated".
Result<ChildProcess> StartSentinel(const std::string& comm) {
  UniqueFd ready_r, ready_w;
  if (Status s = HighPipe(&ready_r, &ready_w); !s)
    return std::unexpected(std::move(s.error()).Wrap("start sentinel"));
  std::array<pid_t, 1> tid = {kPreferredPid};
  Result<Cloned> cloned = Clone3(0, tid);
  if (!cloned) cloned = Clone3(0);  // the PID is taken or may not be chosen here
  if (!cloned) return std::unexpected(std::move(cloned.error()).Wrap("start sentinel"));
  if (cloned->pid == 0) {
    // Raw clone3 child: plain system calls only.
    prctl(PR_SET_NAME, comm.c_str());
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    (void)!write(ready_w.Get(), "r", 1);
    // Hold no descriptor of the worker's (its pipes to the runner among them).
    syscall(SYS_close_range, 3, ~0U, 0);
    while (true) pause();
  }
  ChildProcess child(cloned->pid, std::move(cloned->pidfd));
  ready_w.Reset();
  char ready = 0;
  ssize_t n;
  do {
    n = read(ready_r.Get(), &ready, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) return Fail(n < 0 ? errno : ECHILD, "start sentinel", "it died before naming itself");
  return child;
}

}  // namespace

Result<Sentinel> Sentinel::Spawn(std::string comm) {
  Sentinel sentinel;
  sentinel.comm_ = std::move(comm);
  Result<ChildProcess> process = StartSentinel(sentinel.comm_);
  if (!process) return std::unexpected(process.error());
  sentinel.process_ = std::move(*process);
  return sentinel;
}

Status Sentinel::Respawn() {
  process_.KillAndReap();
  Result<ChildProcess> process = StartSentinel(comm_);
  if (!process) return std::unexpected(process.error());
  process_ = std::move(*process);
  return {};
}

}  // namespace nsm
