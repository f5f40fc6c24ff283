// pid.see_host: look for the host's sentinel by scanning /proc, as `ps aux` does.
// pid.proc_under: and, where /proc does not list it, under /proc, as container
// root may by unmounting it (proc_scan.h).
// pid.kill_host: SIGKILL the sentinel's host PID. The harness judges by whether
// the sentinel survived, not by what kill(2) returned here.
// pid.signal_sender: who sent the signal the launcher left pending (si_pid,
// si_uid as this container's namespaces translate them).
// pid.orphan: leave a process running, named as the harness asked, for the
// host to look for once the container's first process has been reaped.
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "harness/common/fixtures.h"
#include "probes/probe.h"
#include "probes/proc_scan.h"

namespace nsm::probes {
namespace {

protocol::Record Scan(const ProbeContext& ctx, std::string_view id, ProcLook look) {
  std::string comm = ctx.Get("sentinel-comm");
  ProcScan scan = FindProcessByComm(comm, look);
  if (scan.error) return ErrorRecord(id, scan.failed, scan.error);
  protocol::Record record = NewRecord(id);
  // What it looked for goes back with what it found: the host checks it.
  AddScanFields(record, comm, scan);
  return record;
}

protocol::Record SeeHost(const ProbeContext& ctx, std::string_view id) {
  return Scan(ctx, id, ProcLook::kProcOnly);
}

protocol::Record ProcUnder(const ProbeContext& ctx, std::string_view id) {
  return Scan(ctx, id, ProcLook::kAlsoUnder);
}

protocol::Record KillHost(const ProbeContext& ctx, std::string_view id) {
  long target = ctx.GetLong("sentinel-pid");
  if (target <= 1) return ErrorRecord(id, "no sentinel pid given", EINVAL);
  int rc = kill(static_cast<pid_t>(target), SIGKILL);
  int err = rc == 0 ? 0 : errno;
  protocol::Record record{"probe", std::string(id), {}};
  record.Add("target", target).Add("rc", rc).Add("errno", err);
  return record;
}

protocol::Record SignalSender(const ProbeContext&, std::string_view id) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, fixtures::kPendingSignal);
  siginfo_t info{};
  timespec now{};  // a poll: the signal was queued before exec or not at all
  int sig = sigtimedwait(&set, &info, &now);
  int err = errno;  // before anything that allocates
  protocol::Record record = NewRecord(id);
  if (sig < 0) {
    if (err != EAGAIN) return ErrorRecord(id, "sigtimedwait", err);
    return record.Add("pending", 0);
  }
  return record.Add("pending", 1)
      .Add("si_pid", static_cast<long long>(info.si_pid))
      .Add("si_uid", static_cast<long long>(info.si_uid))
      .Add("si_code", info.si_code);
}

// The orphan shares the probe's memory (CLONE_VM: no page tables to copy, where
// a fork cost 1.5 ms a cell on a VM), so it only makes system calls, from its
// own stack. It is born with its name: a child inherits its parent's comm, so
// the probe takes the name for the clone and gives it back after (no
// handshake: the orphan is in /proc, named, when clone returns).
alignas(16) char g_orphan_stack[64 * 1024];

int OrphanMain(void*) {
  // Nothing of the container's stays open in it (the result pipe above all:
  // the harness reads that to its end).
  syscall(SYS_close_range, 0U, ~0U, 0U);
  for (;;) syscall(SYS_pause);
}

protocol::Record Orphan(const ProbeContext& ctx, std::string_view id) {
  std::string comm = ctx.Get("orphan-comm");
  if (comm.empty() || comm.size() > 15) return ErrorRecord(id, "no orphan-comm given", EINVAL);
  char own[16] = {};
  if (prctl(PR_GET_NAME, own, 0, 0, 0) != 0) return ErrorRecord(id, "prctl(PR_GET_NAME)", errno);
  if (prctl(PR_SET_NAME, comm.c_str(), 0, 0, 0) != 0)
    return ErrorRecord(id, "prctl(PR_SET_NAME)", errno);
  pid_t pid =
      clone(OrphanMain, g_orphan_stack + sizeof(g_orphan_stack), CLONE_VM | SIGCHLD, nullptr);
  int err = errno;
  prctl(PR_SET_NAME, own, 0, 0, 0);
  if (pid < 0) return ErrorRecord(id, "clone(CLONE_VM)", err);
  return NewRecord(id).Add("pid", static_cast<long long>(pid)).Add("comm", comm);
}

}  // namespace

std::vector<ProbeEntry> PidProbes() {
  return {{"pid.see_host", SeeHost},
          {"pid.proc_under", ProcUnder},
          {"pid.kill_host", KillHost},
          {"pid.signal_sender", SignalSender},
          {"pid.orphan", Orphan}};
}

}  // namespace nsm::probes
