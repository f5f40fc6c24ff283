#include "harness/runtime/runtime_cgroups.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "harness/common/io.h"
#include "harness/common/unique_fd.h"
#include "harness/sandbox/mount_table.h"

namespace nsm {

namespace {

// Kills what is in the cgroup at `dir` and waits for it to be gone.
void EmptyCgroup(const std::string& dir, std::chrono::steady_clock::time_point deadline) {
  Result<std::string> procs = ReadFile(dir + "/cgroup.procs");
  if (!procs) return;
  std::vector<UniqueFd> dying;
  std::istringstream lines(*procs);
  for (long pid; lines >> pid;) {
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0)));
    if (!pidfd.Valid()) continue;  // already gone
    if (syscall(SYS_pidfd_send_signal, pidfd.Get(), SIGKILL, nullptr, 0) == 0)
      dying.push_back(std::move(pidfd));
  }
  for (const UniqueFd& pidfd : dying) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{pidfd.Get(), POLLIN, 0};
    while (poll(&p, 1, static_cast<int>(std::max<long>(0, left.count()))) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace

Status RemoveCgroupsNamed(const std::string& name, std::chrono::milliseconds limit) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    return Fail(EINVAL, "remove cgroups named '" + name + "'", "not a single path component");
  Result<std::string> mountinfo = ReadFile("/proc/self/mountinfo");
  if (!mountinfo) return std::unexpected(mountinfo.error());
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (const MountEntry& mount : ParseMountInfo(*mountinfo)) {
    if (mount.fstype != "cgroup" && mount.fstype != "cgroup2") continue;
    std::string dir = mount.point + "/" + name;
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    EmptyCgroup(dir, deadline);
    if (rmdir(dir.c_str()) != 0 && errno != ENOENT)
      return FailErrno("rmdir " + dir, "remove the runtime's cgroup");
  }
  return {};
}

}  // namespace nsm
