// pid.see_host: judged from the probe's scan (a read leaves no trace on the host).
// pid.kill_host: judged from the host side, by whether the sentinel survived.
// pid.signal_sender: by whether the pending signal names its host sender.
// pid.orphan: by whether the process the container left running is still alive.
#include <string>

#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {
namespace {

// How long a delivered SIGKILL may take to end the sentinel.
constexpr std::chrono::milliseconds kKillGrace{2000};

std::string SentinelName(HostView& host) {
  return "sentinel (host pid " + std::to_string(host.SentinelPid()) + ", comm " +
         host.SentinelComm() + ")";
}

}  // namespace

std::optional<Observation> LookedForAnotherProcess(const protocol::Record& record, HostView& host) {
  std::optional<std::string_view> comm = record.Get("comm");
  if (comm && *comm == host.SentinelComm() && !comm->empty()) return std::nullopt;
  return Observation{record.id, Outcome::error,
                     "the probe looked for a process named '" + std::string(comm.value_or("")) +
                         "', not the sentinel's '" + host.SentinelComm() + "'"};
}

std::optional<Observation> ScannedAnotherProc(const protocol::Record& record) {
  std::optional<long long> self = record.GetInt("self");
  std::optional<long long> proc_self = record.GetInt("proc_self");
  if (self && proc_self && *self == *proc_self) return std::nullopt;
  return Observation{record.id, Outcome::error,
                     "/proc is not of its own PID namespace: /proc/self is " +
                         std::string(record.Get("proc_self").value_or("?")) + ", its pid " +
                         std::string(record.Get("self").value_or("?")) + ": cannot judge"};
}

Observation JudgePidSeeHost(const protocol::Record& record, HostView& host) {
  if (std::optional<Observation> other = LookedForAnotherProcess(record, host)) return *other;
  std::optional<long long> found = record.GetInt("found");
  std::optional<long long> scanned = record.GetInt("scanned");
  if (!found || !scanned) return {record.id, Outcome::error, "record lacks found/scanned"};
  if (*scanned == 0) {
    return {record.id, Outcome::error,
            "/proc lists no process at all (not a procfs?): cannot judge"};
  }
  std::string where = " among " + std::to_string(*scanned) + " /proc entries";
  if (*found) {
    return {record.id, Outcome::leaked,
            SentinelName(host) + " visible as pid " + std::string(record.Get("pid").value_or("?")) +
                where};
  }
  if (std::optional<Observation> other = ScannedAnotherProc(record)) return *other;
  return {record.id, Outcome::isolated, SentinelName(host) + " not found" + where};
}

Observation JudgePidKillHost(const protocol::Record& record, HostView& host) {
  std::optional<long long> rc = record.GetInt("rc");
  std::optional<long long> err = record.GetInt("errno");
  if (!rc || !err) return {record.id, Outcome::error, "record lacks rc/errno"};
  if (record.GetInt("target") != host.SentinelPid()) {
    return {record.id, Outcome::error,
            "the probe signalled pid " + std::string(record.Get("target").value_or("?")) +
                ", not the " + SentinelName(host)};
  }
  std::string attempt =
      "kill(" + std::string(record.Get("target").value_or("?")) + ", SIGKILL) " +
      (*rc == 0 ? std::string("returned 0") : "failed with " + ErrnoName(static_cast<int>(*err)));
  // A successful kill is delivered asynchronously: give it time to land. A
  // failed one cannot have killed anything, so the sentinel is checked at once.
  bool dead = host.SentinelDeadWithin(*rc == 0 ? kKillGrace : std::chrono::milliseconds(0));
  if (dead) return {record.id, Outcome::leaked, attempt + "; " + SentinelName(host) + " is dead"};
  if (*rc == 0) {
    // The signal went somewhere, and the sentinel outlived the grace period:
    // that proves nothing either way.
    return {record.id, Outcome::error,
            attempt + " but " + SentinelName(host) + " survived: cannot tell"};
  }
  // ESRCH: the PID names nothing here; EPERM: no right to signal it.
  if (*err != ESRCH && *err != EPERM)
    return {record.id, Outcome::error, attempt + ": the attempt did not happen"};
  return {record.id, Outcome::isolated, attempt + "; " + SentinelName(host) + " survived"};
}

Observation JudgePidSignalSender(const protocol::Record& record, HostView& host) {
  std::optional<long long> pending = record.GetInt("pending");
  if (!pending) return {record.id, Outcome::error, "record lacks pending"};
  if (!*pending) return {record.id, Outcome::error, "the signal the launcher sent never arrived"};
  std::optional<long long> si_pid = record.GetInt("si_pid");
  if (!si_pid) return {record.id, Outcome::error, "record lacks si_pid"};
  // The launcher's pidfd_send_signal without a siginfo queues SI_USER; any
  // other code (the kernel's own, a sigqueue) is not the signal it sent, and
  // its si_pid says nothing of the sender's.
  constexpr long long kSiUser = 0;  // SI_USER (<signal.h> would make si_pid a macro)
  if (record.GetInt("si_code") != kSiUser) {
    return {record.id, Outcome::error,
            "the signal arrived with si_code " + std::string(record.Get("si_code").value_or("?")) +
                ", not SI_USER: not the one the launcher sent"};
  }
  std::string uid = " (si_uid " + std::string(record.Get("si_uid").value_or("?")) + ")";
  std::string launcher = std::to_string(host.LauncherPid());
  if (*si_pid == 0) {
    return {record.id, Outcome::isolated,
            "a signal from the host's pid " + launcher + " arrived with si_pid 0" + uid};
  }
  if (*si_pid == host.LauncherPid()) {
    return {record.id, Outcome::leaked,
            "a signal from the host arrived naming its sender, pid " + launcher + uid};
  }
  return {record.id, Outcome::error,
          "si_pid " + std::to_string(*si_pid) + " is neither 0 nor the sender's " + launcher};
}

Observation JudgePidOrphan(const protocol::Record& record, HostView& host) {
  const std::string& comm = host.Names().orphan_comm;
  if (!record.GetInt("pid") || record.Get("comm") != comm)
    return {record.id, Outcome::error, "the probe did not start a process named " + comm};
  Result<bool> alive = host.ProcessWithComm(comm);
  if (!alive) return {record.id, Outcome::error, alive.error().Message()};
  if (*alive) {
    return {record.id, Outcome::leaked,
            "the process it left running (" + comm +
                ") outlived the container: nothing ended with its first process"};
  }
  return {record.id, Outcome::isolated,
          "the process it left running (" + comm +
              ") died with the container's init, as every process of a PID namespace does"};
}

}  // namespace nsm
