// ipc.*: judged from the probe's lookup (a lookup leaves no trace on the host).
// Before every cell the host checked that its objects exist, so "not found"
// means the container is looking at another IPC namespace.
#include "harness/common/result.h"
#include "harness/judge/judge.h"

namespace nsm {

Observation JudgeIpcLookup(const protocol::Record& record, HostView&) {
  std::optional<long long> found = record.GetInt("found");
  if (!found) return {record.id, Outcome::error, "record lacks found"};
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  if (*found) {
    std::string how = err == 0 ? "opened it" : "it exists (" + ErrnoName(err) + ")";
    return {record.id, Outcome::leaked, "the host's object is reachable by its key/name: " + how};
  }
  if (err != ENOENT)
    return {record.id, Outcome::error, "lookup failed with " + ErrnoName(err) + ": cannot tell"};
  return {record.id, Outcome::isolated, "no object with the host's key/name (ENOENT)"};
}

}  // namespace nsm
