// ipc.*: judged from the probe's lookup (a lookup leaves no trace on the host).
// Before every cell the host checked that its objects exist, so "not found"
// means the container is looking at another IPC namespace. ipc.shm_write is
// judged by what the host's own segment holds afterwards.
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

Observation JudgeIpcShmWrite(const protocol::Record& record, HostView& host) {
  std::optional<long long> wrote = record.GetInt("wrote");
  if (!wrote) return {record.id, Outcome::error, "record lacks wrote"};
  const std::string& marker = host.Names().shm_marker;
  std::optional<std::string> text = host.HostShmText();
  if (!text) return {record.id, Outcome::error, "the host's segment is unreadable"};
  if (*text == marker)
    return {record.id, Outcome::leaked, "the host's segment now holds the container's " + marker};
  if (!text->empty())
    return {record.id, Outcome::error, "the host's segment holds '" + *text + "', not ours"};
  if (*wrote) {
    if (record.Get("marker") != marker)
      return {record.id, Outcome::error, "the probe did not write " + marker};
    if (auto unseen = SucceededUnseenInTheHostsNamespace(
            record, host, Ns::ipc, "wrote " + marker + " into a segment of the host's key"))
      return *unseen;
    return {record.id, Outcome::isolated,
            "wrote into a segment of the host's key, and the host's is unchanged: another "
            "object"};
  }
  int err = static_cast<int>(record.GetInt("errno").value_or(0));
  std::string stage(record.Get("stage").value_or("?"));
  if (err == EACCES || err == EPERM)
    return {record.id, Outcome::isolated,
            stage + " refused with " + ErrnoName(err) + "; the host's segment is unchanged"};
  return {record.id, Outcome::error, stage + " failed with " + ErrnoName(err) + ": cannot tell"};
}

}  // namespace nsm
