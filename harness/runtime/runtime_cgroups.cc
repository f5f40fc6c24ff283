#include "harness/runtime/runtime_cgroups.h"

#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

// Is the process (through its pidfd, so it is the same one) in a cgroup
// named `name` in some hierarchy? A pid read from cgroup.procs may have ended
// and its number gone to another process since.
bool InCgroupNamed(pid_t pid, const std::string& name) {
  Result<std::string> cgroups = ReadFile("/proc/" + std::to_string(pid) + "/cgroup");
  if (!cgroups) return false;
  std::istringstream lines(*cgroups);
  for (std::string line; std::getline(lines, line);) {
    if (line.ends_with("/" + name)) return true;
  }
  return false;
}

// Kills what is in the cgroup at `dir` and waits for it to be gone.
void EmptyCgroup(const std::string& dir, const std::string& name,
                 std::chrono::steady_clock::time_point deadline) {
  Result<std::string> procs = ReadFile(dir + "/cgroup.procs");
  if (!procs) return;
  std::vector<UniqueFd> dying;
  std::istringstream lines(*procs);
  for (long pid; lines >> pid;) {
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0)));
    if (!pidfd.Valid()) continue;                                 // already gone
    if (!InCgroupNamed(static_cast<pid_t>(pid), name)) continue;  // another process now
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
    // A cgroup, not whatever else may be mounted over the hierarchy's place.
    struct statfs fs {};
    if (statfs(dir.c_str(), &fs) != 0 ||
        (fs.f_type != CGROUP_SUPER_MAGIC && fs.f_type != CGROUP2_SUPER_MAGIC))
      continue;
    EmptyCgroup(dir, name, deadline);
    if (rmdir(dir.c_str()) != 0 && errno != ENOENT)
      return FailErrno("rmdir " + dir, "remove the runtime's cgroup");
  }
  return {};
}

}  // namespace nsm
