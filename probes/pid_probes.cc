// pid.see_host: look for the host's sentinel by scanning /proc, as `ps aux` does.
// pid.kill_host: SIGKILL the sentinel's host PID. The harness judges by whether
// the sentinel survived, not by what kill(2) returned here.
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "probes/probe.h"
#include "probes/proc_scan.h"

namespace nsm::probes {
namespace {

protocol::Record SeeHost(const ProbeContext& ctx, std::string_view id) {
  ProcScan scan = FindProcessByComm(ctx.Get("sentinel-comm"));
  if (scan.error) return ErrorRecord(id, "opendir /proc", scan.error);
  protocol::Record record = NewRecord(id);
  record.Add("found", scan.pid >= 0 ? 1 : 0).Add("scanned", scan.scanned);
  if (scan.pid >= 0) record.Add("pid", scan.pid);
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
