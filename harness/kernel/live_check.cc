#include "harness/kernel/live_check.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "harness/common/io.h"
#include "harness/common/loopback.h"
#include "harness/common/unique_fd.h"
#include "harness/launcher/clone3.h"

namespace nsm {
namespace {

constexpr int kCheckTimeoutMs = 5000;
constexpr long kTimeOffsetSeconds = 86400;

// The check children use only system calls and fixed buffers until they
// exit, except ReadFile for /proc/self/cgroup: CheckNamespace must be called
// from a single-threaded process (nsmatrix calls it before any thread or
// worker starts).

// What a check child reports: the step that failed (empty: all passed), its
// errno, and whether the namespace itself had been created by then.
struct Report {
  int err = 0;
  int created = 0;
  int creating = 0;         // Ns of the failing creation step
  int creation_failed = 0;  // the failing step was an unshare that creates a namespace
  char step[96] = {};
};

struct ChildContext {
  int report_fd;
  Report report;
};

// Records a failed step; returns false so steps chain with &&.
bool Failed(ChildContext& ctx, const char* step, int err) {
  ctx.report.err = err;
  snprintf(ctx.report.step, sizeof(ctx.report.step), "%s", step);
  return false;
}

bool Step(ChildContext& ctx, const char* step, bool ok) {
  return ok || Failed(ctx, step, errno);
}

// After root's setresuid to another uid: no capability is left, permitted or
// effective, unless securebits (SECBIT_NO_SETUID_FIXUP, KEEP_CAPS) kept them,
// and a check made with them would say nothing about an unprivileged user.
// A raw capget: this runs in a forked child, where nothing may allocate.
bool HoldsNoCapability() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  for (const __user_cap_data_struct& word : data) {
    if (word.effective != 0 || word.permitted != 0) {
      errno = EPERM;
      return false;
    }
  }
  return true;
}

bool WriteProc(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = write(fd, text, strlen(text));
  int err = errno;
  close(fd);
  errno = err;
  return n == static_cast<ssize_t>(strlen(text));
}

// After unshare(CLONE_NEWUSER): map namespace root to our own outer ids, the
// only mapping an unprivileged process may write for itself.
bool MapSelf(ChildContext& ctx, uid_t uid, gid_t gid) {
  char uid_map[64], gid_map[64];
  snprintf(uid_map, sizeof(uid_map), "0 %u 1\n", uid);
  snprintf(gid_map, sizeof(gid_map), "0 %u 1\n", gid);
  // "deny" may already be inherited (the parent namespace denies setgroups): fine.
  if (!WriteProc("/proc/self/setgroups", "deny\n") && errno != EPERM)
    return Failed(ctx, "write /proc/self/setgroups", errno);
  return Step(ctx, "write /proc/self/gid_map", WriteProc("/proc/self/gid_map", gid_map)) &&
         Step(ctx, "write /proc/self/uid_map", WriteProc("/proc/self/uid_map", uid_map));
}

bool Create(ChildContext& ctx, Ns ns, const char* step) {
  ctx.report.creating = static_cast<int>(ns);
  if (unshare(static_cast<int>(InfoOf(ns).clone_flag)) != 0) {
    ctx.report.creation_failed = 1;
    return Failed(ctx, step, errno);
  }
  return true;
}

bool MountTmpfs(ChildContext& ctx) {
  const char* target = access("/tmp", F_OK) == 0 ? "/tmp" : "/";
  return Step(ctx, "make / private",
              mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0) &&
         Step(ctx, "mount tmpfs", mount("tmpfs", target, "tmpfs", 0, "size=64k") == 0);
}

// Runs `body` in a forked grandchild (where PID and time namespaces apply)
// and waits; the grandchild's failure becomes ours.
template <typename Body>
bool InChild(ChildContext& ctx, const char* step, Body body) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return Failed(ctx, "pipe2", errno);
  pid_t pid = fork();
  if (pid < 0) return Failed(ctx, step, errno);
  if (pid == 0) {
    // PID 1 of a new PID namespace: it must not outlive the check.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(pipe_fds[0]);
    ChildContext inner{pipe_fds[1], {}};
    body(inner);
    (void)!write(pipe_fds[1], &inner.report, sizeof(inner.report));
    _exit(0);
  }
  close(pipe_fds[1]);
  Report inner{};
  pollfd pfd{pipe_fds[0], POLLIN, 0};
  ssize_t got = -1;
  if (poll(&pfd, 1, kCheckTimeoutMs) == 1) got = read(pipe_fds[0], &inner, sizeof(inner));
  close(pipe_fds[0]);
  if (got != static_cast<ssize_t>(sizeof(inner))) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof(inner))) return Failed(ctx, step, ECHILD);
  if (inner.step[0] != '\0') {
    inner.created = ctx.report.created;
    ctx.report = inner;
    return false;
  }
  return true;
}

long long MonotonicSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec;
}

bool Use(ChildContext& ctx, Ns ns, bool unprivileged) {
  switch (ns) {
    case Ns::user:
      // Created above; using it: capabilities over a namespace it owns.
      return Create(ctx, Ns::uts, "unshare(CLONE_NEWUTS) inside it") &&
             Step(ctx, "sethostname inside it", sethostname("nsm-check", 9) == 0);
    case Ns::mnt:
      return MountTmpfs(ctx);
    case Ns::uts:
      return Step(ctx, "sethostname", sethostname("nsm-check", 9) == 0);
    case Ns::ipc: {
      int id = shmget(IPC_PRIVATE, 4096, 0600);
      if (id < 0) return Failed(ctx, "shmget(IPC_PRIVATE)", errno);
      shmctl(id, IPC_RMID, nullptr);
      return true;
    }
    case Ns::net: {
      const char* step = nullptr;
      int err = BringLoopbackUp(&step);
      return err == 0 || Failed(ctx, step, err);
    }
    case Ns::pid:
      return InChild(ctx, "fork into the PID namespace", [](ChildContext& inner) {
        if (getpid() != 1) {
          Failed(inner, "first child is PID 1", ESRCH);
          return;
        }
        if (!Create(inner, Ns::mnt, "unshare(CLONE_NEWNS) to mount /proc")) return;
        Step(inner, "make / private",
             mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0) &&
            Step(inner, "mount proc on /proc",
                 mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0);
      });
    case Ns::cgroup: {
      Result<std::string> cgroups = ReadFile("/proc/self/cgroup");
      if (!cgroups) return Failed(ctx, "read /proc/self/cgroup", cgroups.error().err);
      // Every hierarchy's path is the namespace's root.
      size_t pos = 0;
      while (pos < cgroups->size()) {
        size_t end = cgroups->find('\n', pos);
        if (end == std::string::npos) end = cgroups->size();
        std::string_view line(cgroups->data() + pos, end - pos);
        if (!line.empty() && !line.ends_with(":/")) return Failed(ctx, "cgroup path is /", EINVAL);
        pos = end + 1;
      }
      return true;
    }
    case Ns::time: {
      (void)unprivileged;
      char offsets[64];
      snprintf(offsets, sizeof(offsets), "monotonic %ld 0", kTimeOffsetSeconds);
      if (!Step(ctx, "write /proc/self/timens_offsets",
                WriteProc("/proc/self/timens_offsets", offsets))) {
        return false;
      }
      long long before = MonotonicSeconds();
      return InChild(ctx, "fork into the time namespace", [before](ChildContext& inner) {
        if (MonotonicSeconds() < before + kTimeOffsetSeconds - 60)
          Failed(inner, "CLOCK_MONOTONIC shows the offset", EINVAL);
      });
    }
  }
  return Failed(ctx, "unknown namespace type", EINVAL);
}

void RunCheck(ChildContext& ctx, Ns ns, Privilege as) {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  bool unprivileged = as == Privilege::unprivileged;
  if (unprivileged && uid == 0) {
    uid = gid = kUnprivilegedId;
    // Where setgroups is denied (inside `unshare --map-root-user`), the
    // groups cannot change and need not.
    bool groups_ok = setgroups(0, nullptr) == 0 || errno == EPERM;
    if (!Step(ctx, "setgroups([])", groups_ok) ||
        !Step(ctx, "setresgid(65534)", setresgid(gid, gid, gid) == 0) ||
        !Step(ctx, "setresuid(65534)", setresuid(uid, uid, uid) == 0) ||
        !Step(ctx, "setresuid(65534) dropping every capability", HoldsNoCapability())) {
      ctx.report.created = -1;  // not checked
      return;
    }
    // Changing uids cleared "dumpable", which makes /proc/self root's.
    prctl(PR_SET_DUMPABLE, 1);
  }
  if (unprivileged) {
    // Without privilege every other type needs a user namespace to own it.
    if (!Create(ctx, Ns::user, "unshare(CLONE_NEWUSER)")) return;
    if (ns == Ns::user) ctx.report.created = 1;
    if (!MapSelf(ctx, uid, gid)) return;
    if (ns == Ns::user) {
      Use(ctx, ns, unprivileged);
      return;
    }
  } else if (ns == Ns::user) {
    if (!Create(ctx, Ns::user, "unshare(CLONE_NEWUSER)")) return;
    ctx.report.created = 1;
    if (MapSelf(ctx, uid, gid)) Use(ctx, ns, unprivileged);
    return;
  }
  std::string step = "unshare(" + CloneFlagNames(InfoOf(ns).clone_flag) + ")";
  if (!Create(ctx, ns, step.c_str())) return;
  ctx.report.created = 1;
  Use(ctx, ns, unprivileged);
}

}  // namespace

std::string_view Name(Privilege as) {
  return as == Privilege::root ? "root" : "unprivileged";
}

std::string_view Name(NsStatus status) {
  switch (status) {
    case NsStatus::usable:
      return "usable";
    case NsStatus::restricted:
      return "restricted";
    case NsStatus::unavailable:
      return "unavailable";
    case NsStatus::not_checked:
      return "not-checked";
  }
  return "not-checked";
}

int Rank(NsStatus status) {
  switch (status) {
    case NsStatus::usable:
      return 3;
    case NsStatus::restricted:
      return 2;
    case NsStatus::unavailable:
      return 1;
    case NsStatus::not_checked:
      return 0;
  }
  return 0;
}

namespace {

// A check whose child is running (pid > 0), or one already decided (pid -1).
struct StartedCheck {
  LiveCheck check;
  pid_t pid = -1;
  UniqueFd read_end;
};

StartedCheck StartCheck(Ns ns, Privilege as) {
  StartedCheck started;
  LiveCheck& check = started.check;
  check.ns = ns;
  check.as = as;
  if (as == Privilege::root && geteuid() != 0) {
    check.detail = "not run: nsmatrix runs as uid " + std::to_string(geteuid()) + ", not root";
    check.skipped = true;
    return started;
  }
  UniqueFd write_end;
  if (Status s = HighPipe(&started.read_end, &write_end); !s) {
    check.detail = "could not start the check: " + s.error().Message();
    return started;
  }
  pid_t pid = fork();
  if (pid < 0) {
    check.detail = "could not start the check: fork: " + ErrnoName(errno);
    return started;
  }
  if (pid == 0) {
    started.read_end.Reset();
    ChildContext ctx{write_end.Get(), {}};
    RunCheck(ctx, ns, as);
    (void)!write(ctx.report_fd, &ctx.report, sizeof(ctx.report));
    _exit(0);
  }
  started.pid = pid;
  return started;
}

// Waits for the child's report until `deadline` (then kills it), reaps it
// and turns the report into a verdict.
LiveCheck FinishCheck(StartedCheck started, std::chrono::steady_clock::time_point deadline) {
  LiveCheck check = std::move(started.check);
  if (started.pid < 0) return check;
  pid_t pid = started.pid;
  Report report{};
  pollfd pfd{started.read_end.Get(), POLLIN, 0};
  ssize_t got = -1;
  int ready;
  do {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    ready = poll(&pfd, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
  } while (ready < 0 && errno == EINTR);
  if (ready == 1) got = read(started.read_end.Get(), &report, sizeof(report));
  if (got != static_cast<ssize_t>(sizeof(report))) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof(report))) {
    check.detail = WIFSIGNALED(status) ? "the check process was killed by signal " +
                                             std::to_string(WTERMSIG(status))
                                       : "the check process sent no result";
    return check;
  }
  check.step = report.step;
  check.err = report.err;
  check.creating = static_cast<Ns>(report.creating);
  check.creation_failed = report.creation_failed != 0;
  if (report.created < 0) {
    check.status = NsStatus::not_checked;
    check.skipped = true;
    check.detail = "could not become uid/gid " + std::to_string(kUnprivilegedId) + ": " +
                   check.step + " failed with " + ErrnoName(check.err) +
                   (check.err == EINVAL ? " (the id is not mapped in this user namespace)" : "");
  } else if (check.step.empty()) {
    check.status = NsStatus::usable;
  } else {
    check.status = report.created ? NsStatus::restricted : NsStatus::unavailable;
    check.detail = check.step + " failed with " + ErrnoName(check.err);
  }
  return check;
}

std::chrono::steady_clock::time_point CheckDeadline() {
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(kCheckTimeoutMs);
}

}  // namespace

LiveCheck CheckNamespace(Ns ns, Privilege as) {
  return FinishCheck(StartCheck(ns, as), CheckDeadline());
}

std::vector<LiveCheck> CheckNamespaces(std::span<const CheckRequest> requests) {
  std::vector<StartedCheck> started;
  started.reserve(requests.size());
  for (const CheckRequest& request : requests)
    started.push_back(StartCheck(request.ns, request.as));
  const auto deadline = CheckDeadline();
  std::vector<LiveCheck> checks;
  checks.reserve(requests.size());
  for (StartedCheck& one : started) checks.push_back(FinishCheck(std::move(one), deadline));
  // Side by side the checks hold more namespaces at once than one at a time
  // (a low user.max_*_namespaces could refuse some): whatever did not come
  // out usable is asked again alone, and that answer stands. The kernel gives
  // some counts back in deferred work after a namespace dies, so a refusal
  // for the limit (ENOSPC) is asked again a few times, a little later each.
  for (size_t i = 0; i < checks.size(); ++i) {
    if (checks[i].status == NsStatus::usable || checks[i].skipped) continue;
    checks[i] = CheckNamespace(requests[i].ns, requests[i].as);
    for (int wait_ms = 10;
         wait_ms <= 80 && checks[i].err == ENOSPC && checks[i].status != NsStatus::usable;
         wait_ms *= 2) {
      poll(nullptr, 0, wait_ms);
      checks[i] = CheckNamespace(requests[i].ns, requests[i].as);
    }
  }
  return checks;
}

}  // namespace nsm
