// escape.*: acting through a visible host process. Not finding one, in /proc
// or under it, is isolation (SentinelNotFound, as for pid.see_host); finding one, the attempt is
// judged by what the host side can prove: its listener's banner, its secret's content.
#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {
namespace {

std::string Through(const protocol::Record& record, const char* what) {
  std::string path = "/proc/" + std::string(record.Get("pid").value_or("?")) + "/" + what;
  std::optional<long long> layer = record.GetInt("layer");
  if (layer && *layer > 0)
    path += " (the procfs under the container's, layer " + std::to_string(*layer) + ")";
  return path;
}

}  // namespace

Observation JudgeEscapeSetnsNet(const protocol::Record& record, HostView& host) {
  if (std::optional<Observation> none = SentinelNotFound(record, host, Looked::kAlsoUnder))
    return *none;
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
  if (std::optional<Observation> none = SentinelNotFound(record, host, Looked::kAlsoUnder))
    return *none;
  std::string via = Through(record, "root");
  Observation read = JudgeHostRootFile(record, host);
  read.detail = "through " + via + ": " + read.detail;
  return read;
}

}  // namespace nsm
