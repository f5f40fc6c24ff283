#include "bench/floor.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/launcher/clone3.h"

namespace nsm {
namespace {

// Built before any clone: the child may not allocate.
char kArg0[] = "nsm-noop";
char* const kArgv[] = {kArg0, nullptr};
char* const kEnvp[] = {nullptr};

}  // namespace

Result<Floor> Floor::Open(const std::string& noop_path) {
  int fd = open(noop_path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return FailErrno("open(" + noop_path + ", O_PATH)", "open the floor's no-op program");
  return Floor(UniqueFd(fd));
}

Status Floor::RunOne(NsSet combo) const {
  Result<Cloned> cloned = Clone3(combo.CloneFlags());
  if (!cloned) return std::unexpected(std::move(cloned.error()).Wrap("floor " + combo.ToString()));
  if (cloned->pid == 0) {
    // Raw clone3 child: plain system calls only. nsm-noop exits 0, so any
    // other exit code is execveat's errno.
    syscall(SYS_execveat, noop_.Get(), "", kArgv, kEnvp, AT_EMPTY_PATH);
    _exit(errno);
  }
  ChildProcess child(cloned->pid, std::move(cloned->pidfd));
  Result<ExitStatus> status = child.Reap();
  if (!status) return std::unexpected(std::move(status.error()).Wrap("floor " + combo.ToString()));
  if (status->exited && status->code == 0) return {};
  if (status->exited) return Fail(status->code, "execveat(nsm-noop)", "floor " + combo.ToString());
  return Fail(0, "nsm-noop " + status->Describe(), "floor " + combo.ToString());
}

Status Floor::Run(std::span<const NsSet> combos, int jobs) const {
  bool wants_time =
      std::any_of(combos.begin(), combos.end(), [](NsSet s) { return s.Has(Ns::time); });
  if (wants_time && !Clone3SupportsNewTime()) {
    return FailNamespace(EINVAL, "clone3(CLONE_NEWTIME)", "floor",
                         "this kernel's clone3 refuses CLONE_NEWTIME; leave time combinations out");
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::optional<Error> first_error;
  auto worker = [&] {
    while (!failed.load(std::memory_order_relaxed)) {
      size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= combos.size()) return;
      if (Status s = RunOne(combos[i]); !s) {
        std::lock_guard lock(mu);
        if (!first_error) first_error = std::move(s.error());
        failed = true;
      }
    }
  };
  jobs = std::clamp(jobs, 1, static_cast<int>(std::max<size_t>(combos.size(), 1)));
  if (jobs == 1) {
    worker();  // on the caller's thread: no thread start in the measurement
  } else {
    std::vector<std::jthread> threads;
    for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
  }  // jthreads join here
  if (first_error) return std::unexpected(std::move(*first_error));
  return {};
}

}  // namespace nsm
