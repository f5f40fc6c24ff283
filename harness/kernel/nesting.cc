#include "harness/kernel/nesting.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>

#include "harness/common/child_process.h"
#include "harness/common/io.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"
#include "harness/launcher/clone3.h"

namespace nsm {
namespace {

constexpr int kGiveUpAfter = 64;  // far past the limit: a kernel without one stops here

struct Reached {
  int created = 0;
  int err = 0;
};

[[noreturn]] void ReportAndExit(int fd, Reached reached) {
  (void)!write(fd, &reached, sizeof(reached));
  _exit(0);
}

bool WriteSelf(const char* file, const char* text) {
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == static_cast<ssize_t>(strlen(text));
}

// User namespaces nest by unshare alone: each call makes a child of the last.
// A namespace's creator must be mapped in its parent, so each level maps its
// own root to the one above (setgroups denied first, as an unprivileged
// writer of its own gid_map must).
[[noreturn]] void NestUser(int fd) {
  Reached reached;
  while (reached.created < kGiveUpAfter) {
    if (unshare(CLONE_NEWUSER) != 0) {
      reached.err = errno;
      break;
    }
    ++reached.created;
    if (!WriteSelf("/proc/self/setgroups", "deny") || !WriteSelf("/proc/self/uid_map", "0 0 1") ||
        !WriteSelf("/proc/self/gid_map", "0 0 1")) {
      ReportAndExit(fd, {reached.created, 0});  // the check broke: no refusal to judge
    }
  }
  ReportAndExit(fd, reached);
}

// A PID namespace takes effect for children: the measuring child is cloned
// as the init of level one, and each level forks an init one level deeper;
// every process waits for the one below, so the chain ends from the bottom
// up. Killing the first init kills every level below it with it.
[[noreturn]] void NestPid(int fd, int created) {
  if (created >= kGiveUpAfter) ReportAndExit(fd, {created, 0});
  if (unshare(CLONE_NEWPID) != 0) ReportAndExit(fd, {created, errno});
  pid_t child = fork();
  if (child < 0) ReportAndExit(fd, {created, errno});
  if (child == 0) NestPid(fd, created + 1);
  while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
  _exit(0);
}

std::optional<int> StartLevel(Ns ns) {
  if (ns == Ns::pid) {
    Result<std::string> status = ReadFile("/proc/self/status");
    if (!status) return std::nullopt;
    size_t at = status->find("\nNSpid:");
    if (at == std::string::npos) return std::nullopt;
    std::istringstream line(status->substr(at + 7, status->find('\n', at + 1) - at - 7));
    int pids = 0;
    for (std::string pid; line >> pid;) ++pids;
    return pids > 0 ? std::optional<int>(pids - 1) : std::nullopt;
  }
  Result<std::string> map = ReadFile("/proc/self/uid_map");
  if (!map) return std::nullopt;
  std::istringstream fields(*map);
  long long inside = -1, outside = -1, count = -1;
  fields >> inside >> outside >> count;
  if (inside == 0 && outside == 0 && count == 4294967295LL) return 0;
  return std::nullopt;  // some level below the initial one; which, the kernel does not say
}

// Fills in what `reached` means against the kernel's limit.
void Judge(Reached reached, NestingDepth& depth) {
  depth.created = reached.created;
  depth.err = reached.err;
  std::string what = std::string(InfoOf(depth.ns).name) +
                     " namespaces: " + std::to_string(reached.created) + " nested levels created";
  if (depth.start_level) {
    what += " below level " + std::to_string(*depth.start_level) + " (level " +
            std::to_string(*depth.start_level + reached.created) + " reached)";
  }
  if (reached.err == 0) {
    depth.detail = what + "; no refusal before " + std::to_string(kGiveUpAfter);
    return;
  }
  what += "; the next failed with " + ErrnoName(reached.err);
  // Depth and count limits both refuse with ENOSPC: the level reached tells.
  int limit = NestingLimit(depth.ns);
  depth.at_limit =
      reached.err == ENOSPC && depth.start_level && *depth.start_level + reached.created == limit;
  std::string limit_text = "the kernel's limit, level " + std::to_string(limit);
  if (!depth.start_level)
    depth.detail = what + ": this level is unknown, so whether that is " + limit_text + " is too";
  else
    depth.detail = what + (depth.at_limit ? ": " + limit_text : ": short of " + limit_text);
}

}  // namespace

NestingDepth MeasureNesting(Ns ns) {
  NestingDepth depth;
  depth.ns = ns;
  depth.start_level = StartLevel(ns);
  UniqueFd report_r, report_w;
  if (Status s = HighPipe(&report_r, &report_w); !s) {
    depth.detail = s.error().Message();
    return depth;
  }
  // For PID the child is the first level's init, so that the kill on a
  // time-out below takes the whole chain.
  Result<Cloned> cloned = Clone3(ns == Ns::pid ? CLONE_NEWPID : 0);
  if (!cloned) {
    // For PID that is the first level refused, judged as any other level.
    if (ns == Ns::pid)
      Judge({0, cloned.error().err}, depth);
    else
      depth.detail = cloned.error().Message();
    return depth;
  }
  pid_t pid = cloned->pid;
  if (pid == 0) {
    report_r.Reset();
    if (ns == Ns::pid) NestPid(report_w.Get(), 1);
    NestUser(report_w.Get());
  }
  report_w.Reset();
  ChildProcess child(pid, std::move(cloned->pidfd));
  Result<ReadToEndResult> out = ReadToEnd(
      report_r.Get(), std::chrono::steady_clock::now() + std::chrono::seconds(5), sizeof(Reached));
  Reached reached;
  if (!out || out->timed_out || out->data.size() != sizeof(Reached)) {
    depth.detail = "the nesting child did not report";
    return depth;  // killed on the way out (for PID: the first init, and so every level)
  }
  std::memcpy(&reached, out->data.data(), sizeof(reached));
  Judge(reached, depth);
  return depth;
}

}  // namespace nsm
