#include "probes/proc_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace nsm::probes {
namespace {

std::string ReadComm(const char* pid_dir) {
  std::string path = std::string("/proc/") + pid_dir + "/comm";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  char buf[64];
  ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  if (n <= 0) return {};
  std::string comm(buf, static_cast<size_t>(n));
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

}  // namespace

ProcScan FindProcessByComm(const std::string& comm) {
  ProcScan scan;
  DIR* dir = opendir("/proc");
  if (!dir) {
    scan.error = errno;
    return scan;
  }
  while (dirent* entry = readdir(dir)) {
    if (!isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
    ++scan.scanned;
    if (scan.pid < 0 && !comm.empty() && ReadComm(entry->d_name) == comm)
      scan.pid = atol(entry->d_name);
  }
  closedir(dir);
  return scan;
}

}  // namespace nsm::probes
