#include "probes/proc_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace nsm::probes {
namespace {

// The process's name, or "" with *err set (0: it exited while /proc was read,
// which is no failure).
std::string ReadComm(const char* pid_dir, int* err) {
  *err = 0;
  std::string path = std::string("/proc/") + pid_dir + "/comm";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT && errno != ESRCH) *err = errno;
    return {};
  }
  char buf[64];
  ssize_t n = read(fd, buf, sizeof(buf));
  if (n < 0 && errno != ESRCH) *err = errno;
  close(fd);
  if (n <= 0) return {};
  std::string comm(buf, static_cast<size_t>(n));
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

}  // namespace

ProcScan FindProcessByComm(const std::string& comm) {
  ProcScan scan;
  scan.self = getpid();
  char link[32];
  ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);
  if (n > 0) {
    link[n] = '\0';
    scan.proc_self = atol(link);
  }
  DIR* dir = opendir("/proc");
  if (!dir) {
    scan.error = errno;
    scan.failed = "opendir /proc";
    return scan;
  }
  // A listing cut short, or a name that could not be read, would hide the
  // process looked for: that is an error, never "not there".
  for (;;) {
    errno = 0;
    dirent* entry = readdir(dir);
    if (!entry) {
      if (errno != 0) {
        scan.error = errno;
        scan.failed = "readdir /proc";
      }
      break;
    }
    if (!isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
    ++scan.scanned;
    if (scan.pid >= 0 || comm.empty()) continue;
    int err = 0;
    if (ReadComm(entry->d_name, &err) == comm) {
      scan.pid = atol(entry->d_name);
    } else if (err != 0) {
      scan.error = err;
      scan.failed = "read /proc/PID/comm";
      break;
    }
  }
  closedir(dir);
  return scan;
}

}  // namespace nsm::probes
