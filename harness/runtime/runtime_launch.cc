#include "harness/runtime/runtime_launch.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "harness/common/io.h"
#include "harness/common/protocol.h"
#include "harness/launcher/clone3.h"

namespace nsm {

namespace {

static_assert(protocol::kResultFd == 3 && kProbeExeFd == 4,
              "socket activation passes descriptors 3 and up, in a row");

// What the runtime's child could not do, before its exec.
struct RuntimeChildFailure {
  int err = 0;
  int step = 0;  // an index into own_mounts, or one of these
};
constexpr int kStepExec = -1;
constexpr int kStepNamespace = -2;
constexpr int kStepDescriptors = -3;

// "LISTEN_PID=<pid>" into `buffer` without allocating (in a child of clone3).
void FormatListenPid(char (&buffer)[32], pid_t pid) {
  constexpr char kName[] = "LISTEN_PID=";
  char digits[16];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid > 0 && n < 15);
  size_t at = sizeof(kName) - 1;
  memcpy(buffer, kName, at);
  while (n > 0) buffer[at++] = digits[--n];
  buffer[at] = '\0';
}

}  // namespace

std::vector<RuntimeMount> ApiFilesystemsOff(const std::string& rootfs) {
  std::vector<RuntimeMount> steps;
  for (const char* api : {"/proc", "/sys", "/dev", "/run"}) steps.push_back({"", rootfs + api});
  return steps;
}

RuntimeMount CgroupHierarchyFrom(const std::string& dir) {
  return {dir, "/sys/fs/cgroup"};
}

Result<RuntimeContainer> LaunchRuntime(const std::vector<std::string>& argv, int probe_exe_fd,
                                       int cgroup_fd, const RuntimeStart& start) {
  if (argv.empty() || argv[0].empty() || argv[0][0] != '/')
    return Fail(EINVAL, "launch runtime", "the runtime's path must be absolute");
  UniqueFd error_r, error_w, result_r, result_w, stderr_r, stderr_w;
  if (Status s = HighPipe(&error_r, &error_w); !s) return std::unexpected(s.error());
  if (Status s = HighPipe(&result_r, &result_w); !s) return std::unexpected(s.error());
  (void)fcntl(result_r.Get(), F_SETPIPE_SZ, kResultPipeBytes);
  if (Status s = HighPipe(&stderr_r, &stderr_w); !s) return std::unexpected(s.error());
  UniqueFd null_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null_fd.Valid()) return FailErrno("open /dev/null");
  Result<UniqueFd> high_null = HighDup(null_fd.Get());
  if (!high_null) return std::unexpected(high_null.error());
  Result<UniqueFd> exe = HighDup(probe_exe_fd);
  if (!exe) return std::unexpected(exe.error());

  // Built before clone3: the child may not allocate.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp = {const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin")};
  for (const std::string& var : start.env) envp.push_back(const_cast<char*>(var.c_str()));
  // systemd's socket activation: the runtime checks LISTEN_PID against its
  // own pid, which only the child knows; it is written into this buffer there.
  char listen_pid[32] = "LISTEN_PID=";
  if (start.listen_fds) {
    envp.push_back(const_cast<char*>("LISTEN_FDS=2"));
    envp.push_back(listen_pid);
  }
  envp.push_back(nullptr);
  const int null = high_null->Get(), err_w = error_w.Get();
  const int stderr_fd = stderr_w.Get(), result_fd = result_w.Get(), exe_fd = exe->Get();

  Result<Cloned> cloned = Clone3(0, {}, cgroup_fd);
  if (!cloned) return std::unexpected(cloned.error());
  if (cloned->pid == 0) {
    auto fail = [err_w](int step) {
      RuntimeChildFailure f{errno, step};
      (void)!write(err_w, &f, sizeof(f));
      _exit(127);
    };
    // The runtime dies with the sandbox worker, whatever kills the worker.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // dup2 clears close-on-exec on the copies; every source is at 10 or above.
    if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(stderr_fd, 2) < 0 ||
        dup2(result_fd, protocol::kResultFd) < 0 || dup2(exe_fd, kProbeExeFd) < 0)
      fail(kStepDescriptors);
    if (start.own_mount_namespace) {
      if (unshare(CLONE_NEWNS) != 0 ||
          mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
        fail(kStepNamespace);
      for (size_t i = 0; i < start.own_mounts.size(); ++i) {
        const char* target = start.own_mounts[i].target.c_str();
        if (!start.own_mounts[i].source.empty()) {
          if (mount(start.own_mounts[i].source.c_str(), target, nullptr, MS_BIND, nullptr) != 0)
            fail(static_cast<int>(i));
          continue;
        }
        while (umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0) {
        }
        if (errno != EINVAL) fail(static_cast<int>(i));  // EINVAL: no mount left there
      }
    }
    // As the launcher does: nothing else of the worker's reaches the runtime
    // (or, through it, the container).
    syscall(SYS_close_range, kProbeExeFd + 1, ~0U, CLOSE_RANGE_CLOEXEC);
    if (start.listen_fds) FormatListenPid(listen_pid, getpid());
    execve(args[0], args.data(), envp.data());
    fail(kStepExec);
  }
  ChildProcess child(cloned->pid, std::move(cloned->pidfd));
  error_w.Reset();
  result_w.Reset();
  stderr_w.Reset();
  RuntimeChildFailure failed;
  ssize_t n;
  do {
    n = read(error_r.Get(), &failed, sizeof(failed));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return FailErrno("read the runtime's exec result");
  if (n > 0) {
    child.KillAndReap();
    if (failed.step == kStepExec)
      return Fail(failed.err, "execve " + argv[0], "start the container runtime");
    if (failed.step == kStepDescriptors)
      return Fail(failed.err, "dup2", "give the container runtime its descriptors");
    std::string what = "make its mount namespace";
    if (failed.step >= 0 && static_cast<size_t>(failed.step) < start.own_mounts.size()) {
      const RuntimeMount& m = start.own_mounts[failed.step];
      what = m.source.empty() ? "take the mounts off " + m.target
                              : "bind " + m.source + " on " + m.target;
    }
    return Fail(failed.err, what, "prepare the container runtime's own mount namespace");
  }
  RuntimeContainer out;
  out.container = Container{std::move(child), std::move(result_r), {}};
  out.stderr_read = std::move(stderr_r);
  return out;
}

void WaitForContainerPidNamespaces(std::chrono::steady_clock::time_point deadline) {
  struct stat own;
  if (stat("/proc/self/ns/pid", &own) != 0) return;
  std::vector<UniqueFd> waiting;
  if (DIR* proc = opendir("/proc")) {
    while (dirent* entry = readdir(proc)) {
      char* end = nullptr;
      long pid = strtol(entry->d_name, &end, 10);
      if (pid <= 0 || *end != '\0') continue;
      struct stat ns;
      std::string link = std::string("/proc/") + entry->d_name + "/ns/pid";
      if (stat(link.c_str(), &ns) != 0) continue;  // gone, or a zombie
      if (ns.st_dev == own.st_dev && ns.st_ino == own.st_ino) continue;
      UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0)));
      if (pidfd.Valid()) waiting.push_back(std::move(pidfd));
    }
    closedir(proc);
  }
  for (const UniqueFd& pidfd : waiting) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{pidfd.Get(), POLLIN, 0};
    int rc;
    do {
      rc = poll(&p, 1, static_cast<int>(std::max<long>(0, left.count())));
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) return;  // the deadline: what is still there is judged as it is
  }
}

size_t EndRecordEnd(std::string_view data) {
  size_t start = 0;
  while (start < data.size()) {
    size_t newline = data.find('\n', start);
    if (newline == std::string_view::npos) break;  // a line still being written
    std::string_view line = data.substr(start, newline - start);
    if (line == "end" || line.starts_with("end ")) return newline + 1;
    start = newline + 1;
  }
  return std::string_view::npos;
}

namespace {

// Anything, even part of a line, after the first `end` record's line?
bool WroteAfterEnd(std::string_view data) {
  size_t end = EndRecordEnd(data);
  return end != std::string_view::npos && data.size() > end;
}

}  // namespace

Result<RuntimeOutput> CollectRuntimeOutput(const Container& container, int stderr_fd,
                                           std::chrono::steady_clock::time_point deadline,
                                           std::chrono::milliseconds grace, size_t limit,
                                           size_t stderr_limit) {
  RuntimeOutput out;
  std::string& data = out.probe.data;
  size_t end_at = std::string::npos;  // just past the `end` record's line, once it is in
  size_t scanned = 0;                 // the start of the first line not yet looked at
  auto until = deadline;
  enum { kResults, kStderr, kExit };
  pollfd p[3] = {{container.results.Get(), POLLIN, 0},
                 {stderr_fd, POLLIN, 0},
                 {container.process.PidFd(), POLLIN, 0}};
  char chunk[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    int ready = poll(p, 3, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return FailErrno("poll");
    if (p[kResults].revents != 0) {
      ssize_t n = read(p[kResults].fd, chunk, sizeof(chunk));
      if (n < 0 && errno != EINTR) return FailErrno("read the probe's output");
      if (n == 0) p[kResults].fd = -1;  // every writer is gone; the runtime's exit is awaited
      if (n > 0) {
        size_t keep = std::min(static_cast<size_t>(n), limit - data.size());
        data.append(chunk, keep);
        if (keep < static_cast<size_t>(n)) {
          out.probe.truncated = true;
          return out;
        }
        size_t last_line = data.rfind('\n');
        if (end_at == std::string::npos && last_line != std::string::npos &&
            last_line + 1 > scanned) {
          size_t at = EndRecordEnd(std::string_view(data).substr(scanned, last_line + 1 - scanned));
          if (at != std::string_view::npos) {
            end_at = scanned + at;
            until = std::min(deadline, std::chrono::steady_clock::now() + grace);
          }
          scanned = last_line + 1;
        }
      }
    }
    // After the results: stderr that came with the `end` record counts as after it.
    if (p[kStderr].revents != 0) {
      ssize_t n = read(p[kStderr].fd, chunk, sizeof(chunk));
      if (n <= 0 && !(n < 0 && errno == EINTR)) p[kStderr].fd = -1;  // closed: poll skips it
      if (n > 0 && end_at != std::string::npos) out.stderr_after_end = true;
      if (n > 0 && out.stderr_text.size() < stderr_limit)
        out.stderr_text.append(
            chunk, std::min(static_cast<size_t>(n), stderr_limit - out.stderr_text.size()));
    }
    if (p[kExit].revents != 0) {
      // The runtime exited: what its container wrote is in the pipe, and a
      // descendant still holding it is a stray, not waited for.
      Result<ReadToEndResult> rest =
          ReadToEnd(container.results.Get(), std::chrono::steady_clock::now(), limit - data.size());
      if (!rest) return std::unexpected(rest.error());
      data += rest->data;
      out.probe.truncated = rest->truncated;
      if (p[kStderr].fd >= 0)
        out.stderr_text += DrainText(stderr_fd, stderr_limit - out.stderr_text.size());
      out.after_end = WroteAfterEnd(data);
      return out;
    }
  }
  // The deadline, or the grace after `end`: the runtime is still there.
  Result<ReadToEndResult> rest =
      ReadToEnd(container.results.Get(), std::chrono::steady_clock::now(), limit - data.size());
  if (!rest) return std::unexpected(rest.error());
  data += rest->data;
  out.probe.truncated = rest->truncated;
  if (end_at != std::string::npos) {
    out.outlived = true;
    out.after_end = WroteAfterEnd(data);
  } else {
    out.probe.timed_out = true;
  }
  return out;
}

std::string DrainText(int fd, size_t limit) {
  std::string text;
  char buf[4096];
  while (text.size() < limit) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 0) != 1) break;
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  if (text.size() > limit) text.resize(limit);
  return text;
}

std::string OneLine(std::string text, size_t limit) {
  if (text.size() > limit) text.resize(limit);
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::string DrainMessage(int fd, size_t limit) {
  return OneLine(DrainText(fd, limit), limit);
}

Status WriteRuntimeFiles(const std::string& dir, const std::vector<RuntimeFile>& files) {
  if (mkdir(dir.c_str(), 0700) != 0) return FailErrno("mkdir " + dir, "write the bundle");
  for (const RuntimeFile& file : files) {
    std::string path = dir + "/" + file.name;
    UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.Valid()) return FailErrno("create " + path, "write the bundle");
    if (Status s = WriteAll(fd.Get(), file.content); !s)
      return Fail(s.error().err, "write " + path, "write the bundle");
  }
  return {};
}

Status RunToEnd(const std::vector<std::string>& argv, int probe_exe_fd, int cgroup_fd,
                std::chrono::milliseconds limit) {
  Result<RuntimeContainer> started = LaunchRuntime(argv, probe_exe_fd, cgroup_fd);
  if (!started) return std::unexpected(started.error());
  ChildProcess& process = started->container.process;
  std::string command = argv[0];
  for (size_t i = 1; i < argv.size(); ++i) command += " " + argv[i];
  if (!process.WaitExit(limit)) {
    process.KillAndReap();
    return Fail(ETIMEDOUT, command, "still running after " + std::to_string(limit.count()) + " ms");
  }
  Result<ExitStatus> status = process.Reap();
  if (!status) return std::unexpected(status.error());
  if (status->exited && status->code == 0) return {};
  return Fail(0, command,
              status->Describe() + ": " + DrainMessage(started->stderr_read.Get(), 400));
}

}  // namespace nsm
