#include "harness/common/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "harness/common/io.h"
#include "harness/common/unique_fd.h"

extern char** environ;

namespace nsm {

Result<PipedChild> SpawnPiped(const std::vector<std::string>& argv, const SpawnOptions& options) {
  std::vector<char*> cargv;
  for (const std::string& arg : argv) cargv.push_back(const_cast<char*>(arg.c_str()));
  cargv.push_back(nullptr);
  // Above 2, so that dup2 onto stdout and stderr never finds the pipe there
  // already (a caller started with them closed).
  UniqueFd read_end, write_end;
  if (Status s = HighPipe(&read_end, &write_end); !s) return std::unexpected(s.error());
  UniqueFd null(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null.Valid()) return FailErrno("open", "/dev/null");
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return FailErrno("fork", argv[0]);
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // A process group of its own: the terminal's Ctrl-C reaches nsmatrix
    // alone, which stops the child through its owner and reports 130.
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) signal(sig, SIG_DFL);
    dup2(null.Get(), STDIN_FILENO);
    dup2(write_end.Get(), STDOUT_FILENO);
    dup2(write_end.Get(), STDERR_FILENO);
    if (options.own_run &&
        (unshare(CLONE_NEWNS) != 0 ||
         mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0 ||
         mount("nsm-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") != 0)) {
      static const char kWhy[] = "nsmatrix: could not give it a /run of its own (needs root)\n";
      (void)!write(STDERR_FILENO, kWhy, sizeof(kWhy) - 1);
      _exit(126);
    }
    execvp(cargv[0], cargv.data());
    _exit(127);
  }
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd.Valid()) {
    Status failed = FailErrno("pidfd_open", argv[0]);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return std::unexpected(failed.error());
  }
  return PipedChild{ChildProcess(pid, std::move(pidfd)), std::move(read_end)};
}

Result<CapturedOutput> RunAndCapture(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout,
                                     const SpawnOptions& options) {
  Result<PipedChild> child = SpawnPiped(argv, options);
  if (!child) return std::unexpected(child.error());
  Result<ReadToEndResult> read =
      ReadToEnd(child->output.Get(), std::chrono::steady_clock::now() + timeout, 16 << 20);
  if (!read) return std::unexpected(read.error());
  if (read->timed_out) return Fail(ETIMEDOUT, argv[0], "did not finish in time");
  Result<ExitStatus> status = child->process.Reap();
  if (!status) return std::unexpected(status.error());
  if (status->exited && status->code == 127 && read->data.empty()) {
    return Fail(ENOENT, "exec " + argv[0], "not found in PATH");
  }
  return CapturedOutput{*status, std::move(read->data)};
}

namespace {

// posix_spawn's attributes and file actions, destroyed on every path.
// SIGINT, SIGTERM, SIGHUP and SIGQUIT blocked in this thread and read from a signalfd while a child
// runs; the previous mask comes back in the destructor.
class BlockedSignals {
 public:
  explicit BlockedSignals(const sigset_t& signals) : signals_(signals) {
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
  }
  ~BlockedSignals() {
    // Those that arrived with the child's exit were for the child: unblocked, they
    // would end this process before it cleans up.
    timespec now{};
    while (sigtimedwait(&signals_, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;

  // Waits for `pid` to exit (without reaping it), passing on every signal that arrives.
  Status ForwardUntilExit(pid_t pid) {
    UniqueFd signals(signalfd(-1, &signals_, SFD_CLOEXEC));
    if (!signals.Valid()) return FailErrno("signalfd");
    UniqueFd child(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    if (!child.Valid()) return FailErrno("pidfd_open");
    pollfd fds[] = {{child.Get(), POLLIN, 0}, {signals.Get(), POLLIN, 0}};
    while (true) {
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return FailErrno("poll");
      }
      if (fds[0].revents) return {};
      signalfd_siginfo info{};
      if (fds[1].revents && read(signals.Get(), &info, sizeof(info)) == sizeof(info))
        kill(pid, static_cast<int>(info.ssi_signo));
    }
  }

 private:
  sigset_t signals_;
  sigset_t previous_;
};

}  // namespace

Result<Finished> SpawnAndWait(const std::vector<std::string>& argv, WaitOptions options) {
  std::vector<char*> cargv;
  for (const std::string& arg : argv) cargv.push_back(const_cast<char*>(arg.c_str()));
  cargv.push_back(nullptr);

  sigset_t interrupts;
  sigemptyset(&interrupts);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&interrupts, sig);
  UniqueFd null(open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (!null.Valid()) return FailErrno("open", "/dev/null");

  // Blocked before the fork, so no interrupt falls between it and the signalfd.
  std::optional<BlockedSignals> blocked;
  if (options.forward_interrupts) blocked.emplace(interrupts);
  // The exec's errno comes back through a pipe that the exec closes.
  UniqueFd exec_read, exec_write;
  if (Status s = HighPipe(&exec_read, &exec_write); !s) return std::unexpected(s.error());
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return FailErrno("fork", argv[0]);
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec. The child dies with
    // this process, even by SIGKILL, as every other child of nsmatrix does.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(options.stdout_to_stderr ? STDERR_FILENO : null.Get(), STDOUT_FILENO);
    execve(cargv[0], cargv.data(), environ);
    int err = errno;
    (void)!write(exec_write.Get(), &err, sizeof(err));
    _exit(127);
  }
  exec_write.Reset();
  int exec_errno = 0;
  ssize_t got;
  while ((got = read(exec_read.Get(), &exec_errno, sizeof(exec_errno))) < 0 && errno == EINTR) {
  }
  if (got == sizeof(exec_errno)) {
    waitpid(pid, nullptr, 0);
    return Fail(exec_errno, "execve(" + argv[0] + ")");
  }
  if (blocked) {
    if (Status s = blocked->ForwardUntilExit(pid); !s) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return std::unexpected(s.error());
    }
  }

  int wstatus = 0;
  rusage usage{};
  while (wait4(pid, &wstatus, 0, &usage) < 0) {
    if (errno != EINTR) return FailErrno("wait4", argv[0]);
  }
  Finished finished;
  finished.status.exited = WIFEXITED(wstatus);
  finished.status.code = finished.status.exited ? WEXITSTATUS(wstatus) : 0;
  finished.status.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
  finished.max_rss_kib = usage.ru_maxrss;
  return finished;
}

Result<TempFile> TempFile::Create(const std::string& suffix) {
  const char* dir = getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/nsmatrix-XXXXXX" + suffix;
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) return FailErrno("mkstemps(" + path + ")");
  close(fd);
  return TempFile(std::move(path));
}

TempFile::~TempFile() {
  if (!path_.empty()) unlink(path_.c_str());
}

}  // namespace nsm
