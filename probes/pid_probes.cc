// pid.see_host: look for the host's sentinel by scanning /proc, as `ps aux` does.
// pid.kill_host: SIGKILL the sentinel's host PID. The harness judges by whether
// the sentinel survived, not by what kill(2) returned here.
// pid.signal_sender: who sent the signal the launcher left pending (si_pid,
// si_uid as this container's namespaces translate them).
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "probes/fixtures.h"
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

protocol::Record SignalSender(const ProbeContext&, std::string_view id) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, fixtures::kPendingSignal);
  siginfo_t info{};
  timespec now{};  // a poll: the signal was queued before exec or not at all
  int sig = sigtimedwait(&set, &info, &now);
  protocol::Record record = NewRecord(id);
  if (sig < 0) {
    if (errno != EAGAIN) return ErrorRecord(id, "sigtimedwait", errno);
    return record.Add("pending", 0);
  }
  return record.Add("pending", 1)
      .Add("si_pid", static_cast<long long>(info.si_pid))
      .Add("si_uid", static_cast<long long>(info.si_uid))
      .Add("si_code", info.si_code);
}

}  // namespace

std::vector<ProbeEntry> PidProbes() {
  return {
      {"pid.see_host", SeeHost}, {"pid.kill_host", KillHost}, {"pid.signal_sender", SignalSender}};
}

}  // namespace nsm::probes
