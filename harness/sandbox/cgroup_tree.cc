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

// rmdir of a cgroup works once its last process has gone; a reaped process
// can take a moment to leave. Wait for "populated 0" on cgroup.events (v2),
// or try again while it is busy (v1 has no such file). Five seconds at most.
void RemoveCgroup(const std::string& dir) {
  if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
  int err = errno;
  UniqueFd events(open((dir + "/cgroup.events").c_str(), O_RDONLY | O_CLOEXEC));
  if (!events.Valid()) {
    for (int round = 0; round < 50 && err == EBUSY; ++round) {
      poll(nullptr, 0, 100);
      if (rmdir(dir.c_str()) == 0) return;
      err = errno;
    }
    return;
  }
  for (int round = 0; round < 50; ++round) {
    char buf[256] = {};
    ssize_t n = pread(events.Get(), buf, sizeof(buf) - 1, 0);
    if (n > 0 && std::string_view(buf).find("populated 0") != std::string_view::npos) break;
    pollfd pfd{events.Get(), POLLPRI, 0};
    poll(&pfd, 1, 100);  // woken by the kernel's notification; bounded
  }
  rmdir(dir.c_str());
}

void RemoveTree(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    std::vector<std::string> children;
    while (dirent* e = readdir(d)) {
      if (e->d_type == DT_DIR && e->d_name[0] != '.') children.push_back(dir + "/" + e->d_name);
    }
    closedir(d);
    for (const std::string& child : children) RemoveTree(child);
  }
  RemoveCgroup(dir);
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

// The pid in a runtime cgroup's name "nsm-<pid>-...", or 0.
pid_t RunnerOf(std::string_view name) {
  if (!name.starts_with("nsm-")) return 0;
  name.remove_prefix(4);
  size_t dash = name.find('-');
  if (dash == 0 || dash == std::string_view::npos) return 0;
  pid_t pid = 0;
  for (char c : name.substr(0, dash)) {
    if (c < '0' || c > '9' || pid > 100'000'000) return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

// The runtime cgroups at the top of every hierarchy whose run `matches`.
void RemoveRuntimeCgroups(const std::function<bool(pid_t)>& matches) {
  for (const std::string& mount : CgroupMounts()) {
    DIR* d = opendir(mount.c_str());
    if (!d) continue;
    std::vector<std::string> found;
    while (dirent* e = readdir(d)) {
      pid_t runner = RunnerOf(e->d_name);
      if (e->d_type == DT_DIR && runner > 0 && matches(runner))
        found.push_back(mount + "/" + e->d_name);
    }
    closedir(d);
    for (const std::string& dir : found) RemoveTree(dir);
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
  while (dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    if (!name.starts_with("nsmatrix-")) continue;
    pid_t pid = static_cast<pid_t>(atoi(e->d_name + 9));
    if (pid > 0 && kill(pid, 0) != 0 && errno == ESRCH)
      stale.push_back(base + "/" + std::string(name));
  }
  closedir(d);
  for (const std::string& dir : stale) RemoveTree(dir);
  RemoveRuntimeCgroups(Gone);
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
    RemoveTree(root);
    RemoveRuntimeCgroups([runner_pid](pid_t pid) { return pid == runner_pid; });
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
  return "nsm-" + std::to_string(runner) + "-";
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
  tree.root_ = base + "/nsmatrix-" + std::to_string(getpid());
  if (mkdir(tree.root_.c_str(), 0755) != 0) {
    int err = errno;
    tree.root_.clear();
    return Fail(err, "mkdir " + base + "/nsmatrix-" + std::to_string(getpid()), "create cgroup");
  }
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
  janitor_.KillAndReap();
  // Depth first, whatever a container made below its cell (rmdir only: a
  // cgroup directory holds no files, and one with processes is not removed).
  if (!root_.empty()) RemoveTree(root_);
  // What runc made for this run's containers and could not remove (a cell
  // cut short: an interrupted run, a retired sandbox).
  const pid_t self = getpid();
  RemoveRuntimeCgroups([self](pid_t pid) { return pid == self; });
}

}  // namespace nsm
