#include "harness/launcher/time_ns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include "harness/common/io.h"
#include "harness/common/namespaces.h"

namespace nsm {
namespace {

std::atomic<bool> g_poisoned{false};

}  // namespace

bool TimeNsPoisoned() {
  return g_poisoned.load();
}

Result<TimeNsForNextChild> TimeNsForNextChild::Enter(const std::string& offsets) {
  // procfs counts a task directory's links as 2 + threads.
  struct stat task {};
  if (stat("/proc/self/task", &task) != 0)
    return FailErrno("stat /proc/self/task", "time namespace");
  if (task.st_nlink != 3) {
    return Fail(EUSERS, "time namespace for the next container",
                "the launching process has " + std::to_string(task.st_nlink - 2) +
                    " threads; setns back into its own time namespace needs one");
  }
  UniqueFd own(open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC));
  if (!own.Valid() && errno == ENOENT) {
    // A kernel without CONFIG_TIME_NS has no time link at all; unshare would
    // refuse with EINVAL, and without the link there would be no way back.
    return FailNamespace(EINVAL, kUnshareTimeOp,
                         "this kernel has no time namespaces (/proc/self/ns/time does not exist)",
                         NamespaceHint(EINVAL));
  }
  if (!own.Valid()) return FailErrno("open /proc/self/ns/time", "time namespace");
  if (unshare(CLONE_NEWTIME) != 0) {
    int err = errno;
    return FailCreatingNamespaces(err, kUnshareTimeOp, {}, NamespaceHint(err));
  }
  TimeNsForNextChild guard(std::move(own));
  // Until the first process enters, the offsets can still be written.
  UniqueFd fd(open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC));
  if (!fd.Valid()) return FailErrno("open /proc/self/timens_offsets", "time namespace offsets");
  ssize_t n = write(fd.Get(), offsets.data(), offsets.size());
  if (n < 0) return FailErrno("write /proc/self/timens_offsets", "time namespace offsets");
  if (n != static_cast<ssize_t>(offsets.size()))
    return Fail(EIO, "write /proc/self/timens_offsets", "time namespace offsets", "short write");
  return guard;
}

Status TimeNsForNextChild::Leave() {
  if (!own_.Valid()) return {};
  if (setns(own_.Get(), CLONE_NEWTIME) != 0) {
    g_poisoned = true;
    return FailErrno("setns back into the launcher's own time namespace",
                     "every later container would be born in this one");
  }
  own_.Reset();
  return {};
}

}  // namespace nsm
