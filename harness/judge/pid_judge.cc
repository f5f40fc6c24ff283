// pid.see_host: judged from the probe's scan of /proc (a read leaves no trace on
// the host). pid.proc_under: and of what container root uncovered under it.
// pid.kill_host: judged from the host side, by whether the sentinel survived.
// pid.signal_sender: by whether the pending signal names its host sender.
// pid.orphan: by whether the process the container left running is still alive.
#include <string>
#include <variant>

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

// An error when the probe looked for another process than the host's sentinel
// (its record's "comm"): not finding that says nothing. nullopt: it is the sentinel.
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

// What unmounting /proc showed (probes/proc_uncover.h): nothing, down to the
// mount that sits on a directory, or up to a refusal container root cannot
// get past, is isolation; a look cut short by anything else says nothing,
// and so does an uncovered mount that listed no process at all (not a procfs,
// or one that hides processes: it proves nothing, as an empty /proc does not).
// Returns what it showed, or an error.
std::variant<std::string, Observation> NothingUnderProc(const protocol::Record& record) {
  std::optional<std::string_view> stage = record.Get("under_stage");
  std::optional<long long> err = record.GetInt("under_errno");
  std::optional<long long> layers = record.GetInt("under_layers");
  std::optional<long long> scanned = record.GetInt("under_scanned");
  std::optional<long long> empty = record.GetInt("under_empty");
  std::optional<long long> cap = record.GetInt("cap_sys_admin");
  if (!stage || !err || !layers || !scanned || !empty || !cap) {
    return Observation{record.id, Outcome::error,
                       "record lacks under_stage/under_errno/under_layers/under_scanned/"
                       "under_empty/cap_sys_admin: nothing says what is under /proc"};
  }
  std::string errno_name = ErrnoName(static_cast<int>(*err));
  std::string uncovered = std::to_string(*layers) + " mount(s) under /proc uncovered, listing " +
                          std::to_string(*scanned) + " processes";
  if (*empty > 0) {
    return Observation{record.id, Outcome::error,
                       uncovered + ", " + std::to_string(*empty) +
                           " of them none at all (not a procfs, or one that hides them): "
                           "cannot tell"};
  }
  if (*stage == "bottom") {
    if (*layers == 0) return std::string("nothing mounted under the container's /proc");
    return "container root unmounted /proc and uncovered " + uncovered +
           ", down to the one mounted on a directory";
  }
  // umount2 EINVAL: a mount the kernel locked (MNT_LOCKED: copied from a
  // more privileged mount namespace). EPERM cannot mean a missing capability
  // there (the unshare before it took CAP_SYS_ADMIN): a security module or a
  // seccomp filter, which another way of moving the mount may pass.
  if (*stage == "umount" && *err == EINVAL)
    return uncovered + ", then umount2 refused (EINVAL: locked)";
  // unshare EPERM without CAP_SYS_ADMIN: no umount2 either. With it, a filter
  // refused unshare, and root might unmount /proc in place.
  if (*stage == "unshare" && *err == EPERM && *cap == 0)
    return std::string("container root may not unmount /proc (no CAP_SYS_ADMIN)");
  return Observation{record.id, Outcome::error,
                     "looking under /proc stopped at " + std::string(*stage) + " (" + errno_name +
                         (*cap == 1 ? ", with CAP_SYS_ADMIN" : "") + ") with " + uncovered +
                         ": cannot tell"};
}

}  // namespace

std::optional<Observation> SentinelNotFound(const protocol::Record& record, HostView& host,
                                            Looked looked) {
  if (std::optional<Observation> other = LookedForAnotherProcess(record, host)) return other;
  std::optional<long long> found = record.GetInt("found");
  std::optional<long long> scanned = record.GetInt("scanned");
  if (!found || !scanned)
    return Observation{record.id, Outcome::error, "record lacks found/scanned"};
  if (*found) return std::nullopt;
  // A /proc that lists nothing (not a procfs, or none mounted) hides every
  // process: that proves nothing.
  if (*scanned == 0) {
    return Observation{record.id, Outcome::error,
                       "/proc lists no process at all (not a procfs?): cannot judge"};
  }
  if (std::optional<Observation> other = ScannedAnotherProc(record)) return other;
  std::string where = " /proc entries";
  if (looked == Looked::kAlsoUnder) {
    std::variant<std::string, Observation> under = NothingUnderProc(record);
    if (Observation* error = std::get_if<Observation>(&under)) return *error;
    where += "; " + std::get<std::string>(under);
  }
  // A sentinel that died (pid.kill_host leaked) cannot be found either: that
  // is no proof of isolation.
  if (host.SentinelDeadWithin(std::chrono::milliseconds(0))) {
    return Observation{record.id, Outcome::error,
                       SentinelName(host) + " not found, but it is dead: cannot tell"};
  }
  return Observation{record.id, Outcome::isolated,
                     SentinelName(host) + " not found among " + std::to_string(*scanned) + where};
}

std::string WhereSentinelFound(const protocol::Record& record) {
  std::string pid(record.Get("pid").value_or("?"));
  std::optional<long long> layer = record.GetInt("layer");
  if (!layer || *layer == 0)
    return "pid " + pid + " among " + std::string(record.Get("scanned").value_or("?")) +
           " /proc entries";
  return "pid " + pid +
         " in the procfs under the container's /proc, once container root had "
         "unmounted " +
         std::to_string(*layer) + " mount(s) there";
}

namespace {

Observation JudgeScan(const protocol::Record& record, HostView& host, Looked looked) {
  if (std::optional<Observation> not_found = SentinelNotFound(record, host, looked))
    return *not_found;
  return {record.id, Outcome::leaked,
          SentinelName(host) + " visible as " + WhereSentinelFound(record)};
}

}  // namespace

Observation JudgePidSeeHost(const protocol::Record& record, HostView& host) {
  return JudgeScan(record, host, Looked::kProcOnly);
}

Observation JudgePidProcUnder(const protocol::Record& record, HostView& host) {
  return JudgeScan(record, host, Looked::kAlsoUnder);
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
