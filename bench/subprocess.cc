#include "bench/subprocess.h"

#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace nsm {

Result<std::string> SelfDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n < 0) return FailErrno("readlink(/proc/self/exe)");
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

Result<ExitStatus> SpawnAndWait(const std::vector<std::string>& argv) {
  std::vector<char*> cargv;
  for (const std::string& arg : argv) cargv.push_back(const_cast<char*>(arg.c_str()));
  cargv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int err = posix_spawn(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return Fail(err, "posix_spawn(" + argv[0] + ")");

  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return FailErrno("waitpid", argv[0]);
  }
  ExitStatus status;
  status.exited = WIFEXITED(wstatus);
  status.code = status.exited ? WEXITSTATUS(wstatus) : 0;
  status.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
  return status;
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
