#include "harness/vm/subprocess_output.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/common/io.h"

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

}  // namespace nsm
