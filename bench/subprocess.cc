#include "bench/subprocess.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "harness/common/unique_fd.h"

extern char** environ;

namespace nsm {
namespace {

// posix_spawn's attributes and file actions, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

// SIGINT and SIGTERM blocked in this thread and read from a signalfd while a child
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

Result<Finished> SpawnAndWait(const std::vector<std::string>& argv, SpawnOptions options) {
  std::vector<char*> cargv;
  for (const std::string& arg : argv) cargv.push_back(const_cast<char*>(arg.c_str()));
  cargv.push_back(nullptr);

  SpawnSetup setup;
  if (options.stdout_to_stderr) {
    posix_spawn_file_actions_adddup2(&setup.actions, STDERR_FILENO, STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  }
  sigset_t interrupts, none;
  sigemptyset(&interrupts);
  sigaddset(&interrupts, SIGINT);
  sigaddset(&interrupts, SIGTERM);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&setup.attributes, &interrupts);
  posix_spawnattr_setsigmask(&setup.attributes, &none);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  // Blocked before the spawn, so no interrupt falls between it and the signalfd.
  std::optional<BlockedSignals> blocked;
  if (options.forward_interrupts) blocked.emplace(interrupts);
  pid_t pid = -1;
  int err = posix_spawn(&pid, cargv[0], &setup.actions, &setup.attributes, cargv.data(), environ);
  if (err != 0) return Fail(err, "posix_spawn(" + argv[0] + ")");
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
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/nsmatrix-bench-XXXXXX" + suffix;
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) return FailErrno("mkstemps(" + path + ")");
  close(fd);
  return TempFile(std::move(path));
}

TempFile::~TempFile() {
  if (!path_.empty()) unlink(path_.c_str());
}

}  // namespace nsm
