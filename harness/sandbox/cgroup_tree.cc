#include "harness/sandbox/cgroup_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

#include "harness/common/io.h"
#include "harness/common/strings.h"
#include "harness/sandbox/mount_table.h"

namespace nsm {
namespace {

// Where cgroup v2 is mounted, from this process's mount table.
std::optional<std::string> Cgroup2Mount() {
  Result<std::string> info = ReadFile("/proc/self/mountinfo");
  if (!info) return std::nullopt;
  for (const MountEntry& mount : ParseMountInfo(*info)) {
    if (mount.fstype == "cgroup2") return mount.point;
  }
  return std::nullopt;
}

std::optional<std::string> OwnCgroup2Path() {
  Result<std::string> text = ReadFile("/proc/self/cgroup");
  if (!text) return std::nullopt;
  for (std::string_view line : Split(*text, '\n')) {
    if (line.starts_with("0::")) return std::string(line.substr(3));
  }
  return std::nullopt;
}

using Clock = std::chrono::steady_clock;

// How long a run's end (or its janitor) waits, in all, for its cgroups'
// last processes to leave.
constexpr std::chrono::seconds kTeardownWait{5};

// rmdir of a cgroup works once its last process has gone; a reaped process
// can take a moment to leave. Wait for "populated 0" on cgroup.events (v2),
// or try again while it is busy (v1 has no such file), until `until` at most:
// not at all for a time already past (a sweep of other runs' leftovers, which
// are empty or not ours to wait for).
void RemoveCgroup(const std::string& dir, Clock::time_point until) {
  if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
  int err = errno;
  UniqueFd events(open((dir + "/cgroup.events").c_str(), O_RDONLY | O_CLOEXEC));
  auto left_ms = [until] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, 100));
  };
  if (!events.Valid()) {
    while (err == EBUSY && left_ms() > 0) {
      poll(nullptr, 0, left_ms());
      if (rmdir(dir.c_str()) == 0) return;
      err = errno;
    }
    return;
  }
  while (left_ms() > 0) {
    char buf[256] = {};
    ssize_t n = pread(events.Get(), buf, sizeof(buf) - 1, 0);
    if (n > 0 && std::string_view(buf).find("populated 0") != std::string_view::npos) break;
    pollfd pfd{events.Get(), POLLPRI, 0};
    poll(&pfd, 1, left_ms());  // woken by the kernel's notification; bounded
  }
  rmdir(dir.c_str());
}

void RemoveTree(const std::string& dir, Clock::time_point until) {
  if (DIR* d = opendir(dir.c_str())) {
    std::vector<std::string> children;
    while (dirent* e = readdir(d)) {
      if (e->d_type == DT_DIR && e->d_name[0] != '.') children.push_back(dir + "/" + e->d_name);
    }
    closedir(d);
    for (const std::string& child : children) RemoveTree(child, until);
  }
  RemoveCgroup(dir, until);
}

// This process's PID namespace, its inode in hex: a pid means one process
// only within one PID namespace, and runs in others (containers sharing the
// machine's cgroup hierarchies) name their cgroups with their own.
std::string PidNamespaceTag() {
  struct stat st {};
  if (stat("/proc/self/ns/pid", &st) != 0) return "0";
  char tag[32];
  snprintf(tag, sizeof(tag), "%llx", static_cast<unsigned long long>(st.st_ino));
  return tag;
}

// Where every cgroup hierarchy is mounted (v2 and v1), from this process's
// mount table.
std::vector<std::string> CgroupMounts() {
  std::vector<std::string> mounts;
  Result<std::string> info = ReadFile("/proc/self/mountinfo");
  if (!info) return mounts;
  for (const MountEntry& mount : ParseMountInfo(*info)) {
    if (mount.fstype == "cgroup2" || mount.fstype == "cgroup") mounts.push_back(mount.point);
  }
  return mounts;
}

// The pid in a cgroup's name "<kind><pid>-<pid namespace tag>[-...]" (kind
// "nsmatrix-" for a run's tree, "nsm-" for a runtime's container), or 0 when
// the name is not one, or is a run's in another PID namespace.
pid_t RunnerOf(std::string_view name, std::string_view kind, std::string_view tag) {
  if (!name.starts_with(kind)) return 0;
  name.remove_prefix(kind.size());
  size_t dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash > 9) return 0;
  pid_t pid = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9') return 0;
    pid = pid * 10 + (c - '0');
  }
  name.remove_prefix(dash + 1);
  if (!name.starts_with(tag) || (name.size() > tag.size() && name[tag.size()] != '-')) return 0;
  return pid;
}

// The runtime cgroups at the top of every hierarchy of runs of this PID
// namespace that `matches`, waiting for them until `until` at most.
void RemoveRuntimeCgroups(const std::function<bool(pid_t)>& matches, Clock::time_point until) {
  const std::string tag = PidNamespaceTag();
  for (const std::string& mount : CgroupMounts()) {
    DIR* d = opendir(mount.c_str());
    if (!d) continue;
    std::vector<std::string> found;
    while (dirent* e = readdir(d)) {
      pid_t runner = RunnerOf(e->d_name, "nsm-", tag);
      if (e->d_type == DT_DIR && runner > 0 && matches(runner))
        found.push_back(mount + "/" + e->d_name);
    }
    closedir(d);
    for (const std::string& dir : found) RemoveTree(dir, until);
  }
}

bool Gone(pid_t pid) {
  return kill(pid, 0) != 0 && errno == ESRCH;
}

// Trees of earlier runs killed before they could clean up.
void RemoveStale(const std::string& base) {
  DIR* d = opendir(base.c_str());
  if (!d) return;
  std::vector<std::string> stale;
  const std::string tag = PidNamespaceTag();
  while (dirent* e = readdir(d)) {
    pid_t pid = RunnerOf(e->d_name, "nsmatrix-", tag);
    if (e->d_type == DT_DIR && pid > 0 && Gone(pid)) stale.push_back(base + "/" + e->d_name);
  }
  closedir(d);
  // Another run's leftovers are empty, or not its: nothing to wait for.
  const Clock::time_point now = Clock::now();
  for (const std::string& dir : stale) RemoveTree(dir, now);
  RemoveRuntimeCgroups(Gone, now);
}

// Waits for this process to die, then removes `root`. Forked while the runner
// is single-threaded; in a session of its own so Ctrl-C does not reach it.
ChildProcess StartJanitor(const std::string& root) {
  const pid_t runner_pid = getpid();
  UniqueFd runner(static_cast<int>(syscall(SYS_pidfd_open, runner_pid, 0)));
  if (!runner.Valid()) return ChildProcess();
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    prctl(PR_SET_NAME, "nsm-janitor");
    int null_fd = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; ++fd) dup2(null_fd, fd);
    dup2(runner.Get(), 3);
    syscall(SYS_close_range, 4, ~0U, 0);
    pollfd pfd{3, POLLIN, 0};
    while (poll(&pfd, 1, -1) < 0 && errno == EINTR) {
    }
    const Clock::time_point until = Clock::now() + kTeardownWait;
    RemoveTree(root, until);
    RemoveRuntimeCgroups([runner_pid](pid_t pid) { return pid == runner_pid; }, until);
    _exit(0);
  }
  if (pid < 0) return ChildProcess();
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd.Valid()) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return ChildProcess();
  }
  return ChildProcess(pid, std::move(pidfd));
}

}  // namespace

std::string RuntimeCgroupPrefix(pid_t runner) {
  return "nsm-" + std::to_string(runner) + "-" + PidNamespaceTag() + "-";
}

Result<CgroupTree> CgroupTree::Create() {
  std::optional<std::string> mount = Cgroup2Mount();
  if (!mount) return Fail(ENOENT, "find cgroup v2", "no cgroup2 filesystem is mounted");
  std::optional<std::string> own = OwnCgroup2Path();
  if (!own) return Fail(ENOENT, "find own cgroup", "/proc/self/cgroup has no cgroup v2 line");
  std::string base = *mount + (*own == "/" ? "" : *own);
  RemoveStale(base);
  CgroupTree tree;
  tree.hierarchy_ = *mount;
  const std::string root = base + "/nsmatrix-" + std::to_string(getpid()) + "-" + PidNamespaceTag();
  if (mkdir(root.c_str(), 0755) != 0) return FailErrno("mkdir " + root, "create cgroup");
  tree.root_ = root;
  tree.janitor_ = StartJanitor(tree.root_);
  return tree;
}

Result<CgroupTree::WorkerCgroups> CgroupTree::AddWorker(int index) {
  std::string worker = root_ + "/w" + std::to_string(index);
  std::string cell = worker + "/cell";
  if (mkdir(worker.c_str(), 0755) != 0) return FailErrno("mkdir " + worker, "create cgroup");
  if (mkdir(cell.c_str(), 0755) != 0) return FailErrno("mkdir " + cell, "create cgroup");
  UniqueFd fd(open(worker.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.Valid()) return FailErrno("open " + worker, "create cgroup");
  return WorkerCgroups{std::move(fd), cell};
}

CgroupTree::~CgroupTree() {
  if (root_.empty()) return;  // moved from
  janitor_.KillAndReap();
  // Depth first, whatever a container made below its cell (rmdir only: a
  // cgroup directory holds no files, and one with processes is not removed).
  const Clock::time_point until = Clock::now() + kTeardownWait;
  RemoveTree(root_, until);
  // What runc made for this run's containers and could not remove (a cell
  // cut short: an interrupted run, a retired sandbox).
  const pid_t self = getpid();
  RemoveRuntimeCgroups([self](pid_t pid) { return pid == self; }, until);
}

}  // namespace nsm
