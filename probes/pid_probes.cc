// pid.see_host: look for the host's sentinel by scanning /proc, as `ps aux` does.
// pid.kill_host: SIGKILL the sentinel's host PID. The harness judges by whether
// the sentinel survived, not by what kill(2) returned here.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "probes/probe.h"

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

protocol::Record SeeHost(const ProbeContext& ctx, std::string_view id) {
  DIR* dir = opendir("/proc");
  if (!dir) return ErrorRecord(id, "opendir /proc", errno);
  long scanned = 0;
  long found_pid = -1;
  while (dirent* entry = readdir(dir)) {
    if (!isdigit(static_cast<unsigned char>(entry->d_name[0]))) continue;
    ++scanned;
    if (found_pid < 0 && ReadComm(entry->d_name) == ctx.Get("sentinel-comm")) {
      found_pid = atol(entry->d_name);
    }
  }
  closedir(dir);
  protocol::Record record{"probe", std::string(id), {}};
  record.Add("found", found_pid >= 0 ? 1 : 0).Add("scanned", scanned);
  if (found_pid >= 0) record.Add("pid", found_pid);
  record.Add("self", static_cast<long long>(getpid()));
  return record;
}

protocol::Record KillHost(const ProbeContext& ctx, std::string_view id) {
  long target = ctx.GetLong("sentinel-pid");
  if (target <= 1) return ErrorRecord(id, "no sentinel pid given", EINVAL);
  int rc = kill(static_cast<pid_t>(target), SIGKILL);
  protocol::Record record{"probe", std::string(id), {}};
  record.Add("target", target).Add("rc", rc).Add("errno", rc == 0 ? 0 : errno);
  return record;
}

}  // namespace

std::vector<ProbeEntry> PidProbes() {
  return {{"pid.see_host", SeeHost}, {"pid.kill_host", KillHost}};
}

}  // namespace nsm::probes
