// escape.*: acting through a visible host process. Not finding one is
// isolation (pid.see_host says why); finding one, the attempt is judged by
// what the host side can prove: its listener's banner, its secret's content.
#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {
namespace {

// nullopt: a host process was found, go on judging the attempt.
std::optional<Observation> NoHostProcess(const protocol::Record& record, HostView& host) {
  if (std::optional<Observation> other = LookedForAnotherProcess(record, host)) return other;
  std::optional<long long> found = record.GetInt("found");
  std::optional<long long> scanned = record.GetInt("scanned");
  if (!found || !scanned)
    return Observation{record.id, Outcome::error, "record lacks found/scanned"};
  if (*found) return std::nullopt;
  // A /proc that lists nothing (not a procfs, or none mounted) hides every
  // process: as for pid.see_host, that proves nothing.
  if (*scanned == 0) {
    return Observation{record.id, Outcome::error,
                       "/proc lists no process at all (not a procfs?): cannot judge"};
  }
  if (std::optional<Observation> other = ScannedAnotherProc(record)) return other;
  // A sentinel that died (pid.kill_host leaked) cannot be found either:
  // that is no proof of isolation.
  if (host.SentinelDeadWithin(std::chrono::milliseconds(0))) {
    return Observation{record.id, Outcome::error,
                       "no host process found, but the sentinel is dead: cannot tell"};
  }
  return Observation{record.id, Outcome::isolated, "no host process to act through in /proc"};
}

std::string Through(const protocol::Record& record, const char* what) {
  return "/proc/" + std::string(record.Get("pid").value_or("?")) + "/" + what;
}

}  // namespace

Observation JudgeEscapeSetnsNet(const protocol::Record& record, HostView& host) {
  if (std::optional<Observation> none = NoHostProcess(record, host)) return *none;
  std::string stage(record.Get("stage").value_or(""));
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  std::string via = Through(record, "ns/net");
  if (stage == "open" || stage == "setns") {
    std::string attempt =
        (stage == "open" ? "open " : "setns through ") + via + " failed with " + ErrnoName(err);
    // EACCES/EPERM: no ptrace access to the process, or no CAP_SYS_ADMIN over
    // its namespace. Anything else (ENOENT: the process vanished) says nothing.
    if (err == EACCES || err == EPERM) return {record.id, Outcome::isolated, attempt};
    return {record.id, Outcome::error, attempt + ": cannot tell"};
  }
  if (stage != "connect") return {record.id, Outcome::error, "record lacks stage"};
  Observation reached = JudgeNetConnect(record, host);
  if (reached.outcome == Outcome::leaked) {
    reached.detail = "entered the host's network namespace through " + via + "; " + reached.detail;
    return reached;
  }
  // In the host's namespace the listener must answer: if it did not, the
  // attempt proves nothing either way.
  return {record.id, Outcome::error,
          "setns through " + via + " succeeded, but: " + reached.detail + ": cannot tell"};
}

Observation JudgeEscapeProcRoot(const protocol::Record& record, HostView& host) {
  if (std::optional<Observation> none = NoHostProcess(record, host)) return *none;
  std::string via = Through(record, "root");
  Observation read = JudgeHostRootFile(record, host);
  read.detail = "through " + via + ": " + read.detail;
  return read;
}

}  // namespace nsm
