#include "probes/proc_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "probes/proc_uncover.h"

namespace nsm::probes {
namespace {

// Opens `rest` in a procfs: dir_fd, or /proc for -1.
int OpenIn(int dir_fd, const std::string& rest, int flags) {
  if (dir_fd < 0) return open(("/proc/" + rest).c_str(), flags);
  return openat(dir_fd, rest.c_str(), flags);
}

// The process's name, or "" with *err set (0: it exited while the procfs was
// read, which is no failure). dir_fd: the procfs, or -1 for /proc.
std::string ReadComm(int dir_fd, const char* pid_dir, int* err) {
  *err = 0;
  int fd = OpenIn(dir_fd, std::string(pid_dir) + "/comm", O_RDONLY | O_CLOEXEC);
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

// Lists one procfs (dir_fd, or /proc for -1) into scan->pid and scan->scanned.
// A listing cut short, or a name that could not be read, would hide the
// process looked for: that is an error, never "not there".
void ScanDir(int dir_fd, const std::string& comm, ProcScan* scan, long* scanned) {
  DIR* dir = dir_fd < 0 ? opendir("/proc") : fdopendir(fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (!dir) {
    scan->error = errno;
    scan->failed = dir_fd < 0 ? "opendir /proc" : "opendir a mount under /proc";
    return;
  }
  // A dup shares its file offset: the last probe's listing left it at the end.
  rewinddir(dir);
  for (;;) {
    errno = 0;
    dirent* entry = readdir(dir);
    if (!entry) {
      if (errno != 0) {
        scan->error = errno;
        scan->failed = dir_fd < 0 ? "readdir /proc" : "readdir a mount under /proc";
      }
      break;
    }
    if (!isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
    ++*scanned;
    if (scan->pid >= 0 || comm.empty()) continue;
    int err = 0;
    if (ReadComm(dir_fd, entry->d_name, &err) == comm) {
      scan->pid = atol(entry->d_name);
      scan->dir_fd = dir_fd;
    } else if (err != 0) {
      scan->error = err;
      scan->failed = dir_fd < 0 ? "read /proc/PID/comm" : "read PID/comm under /proc";
      break;
    }
  }
  closedir(dir);
}

// 1 when CAP_SYS_ADMIN is in this process's effective set, 0 when not, -1
// when capget failed.
int HasCapSysAdmin() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) return -1;
  return (data[CAP_SYS_ADMIN / 32].effective >> (CAP_SYS_ADMIN % 32)) & 1U ? 1 : 0;
}

}  // namespace

ProcScan FindProcessByComm(const std::string& comm, ProcLook look) {
  ProcScan scan;
  scan.self = getpid();
  char link[32];
  ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);
  if (n > 0) {
    link[n] = '\0';
    scan.proc_self = atol(link);
  }
  ScanDir(-1, comm, &scan, &scan.scanned);
  if (look == ProcLook::kProcOnly || scan.error || scan.pid >= 0 || comm.empty()) return scan;
  scan.cap_sys_admin = HasCapSysAdmin();
  const UncoveredProc& u = UncoverProc();
  scan.looked_under = true;
  scan.layers = u.count;
  scan.under_stage = u.stage;
  scan.under_errno = u.err;
  for (int i = 0; i < u.count && scan.pid < 0 && !scan.error; ++i) {
    long listed = 0;
    ScanDir(u.fds[i], comm, &scan, &listed);
    scan.under_scanned += listed;
    if (listed == 0) ++scan.under_empty;
    if (scan.pid >= 0) scan.layer = i + 1;
  }
  return scan;
}

int OpenInProcOf(const ProcScan& scan, const std::string& rest, int flags) {
  return OpenIn(scan.dir_fd, rest, flags);
}

void AddScanFields(protocol::Record& record, const std::string& comm, const ProcScan& scan) {
  record.Add("comm", comm).Add("found", scan.pid >= 0 ? 1 : 0).Add("scanned", scan.scanned);
  if (scan.pid >= 0) record.Add("pid", scan.pid).Add("layer", scan.layer);
  record.Add("self", scan.self).Add("proc_self", scan.proc_self);
  if (!scan.looked_under) return;
  record.Add("under_layers", scan.layers)
      .Add("under_scanned", scan.under_scanned)
      .Add("under_empty", scan.under_empty)
      .Add("cap_sys_admin", scan.cap_sys_admin)
      .Add("under_stage", scan.under_stage)
      .Add("under_errno", scan.under_errno);
}

}  // namespace nsm::probes
