// ipc.*: look up the host sandbox's IPC objects by key or name, as an attacker
// who knows (or guesses) them would. "Found" includes EACCES: the object exists
// and is reachable by name even when its mode refuses us.
#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>

#include "probes/fixtures.h"
#include "probes/probe.h"

namespace nsm::probes {
namespace {

protocol::Record Lookup(std::string_view id, int rc, int err) {
  protocol::Record record = NewRecord(id);
  bool found = rc >= 0 || err == EACCES || err == EPERM;
  bool absent = rc < 0 && err == ENOENT;
  if (!found && !absent) return ErrorRecord(id, "lookup failed", err);
  return record.Add("found", found ? 1 : 0).Add("errno", rc < 0 ? err : 0);
}

protocol::Record Shm(const ProbeContext&, std::string_view id) {
  int rc = shmget(fixtures::kShmKey, 0, 0);
  return Lookup(id, rc, errno);
}

protocol::Record Msg(const ProbeContext&, std::string_view id) {
  int rc = msgget(fixtures::kMsgKey, 0);
  return Lookup(id, rc, errno);
}

protocol::Record Sem(const ProbeContext&, std::string_view id) {
  int rc = semget(fixtures::kSemKey, 0, 0);
  return Lookup(id, rc, errno);
}

protocol::Record PosixMq(const ProbeContext&, std::string_view id) {
  mqd_t mq = mq_open(fixtures::kMqName, O_RDONLY);
  int err = errno;
  if (mq != static_cast<mqd_t>(-1)) mq_close(mq);
  return Lookup(id, mq == static_cast<mqd_t>(-1) ? -1 : 0, err);
}

}  // namespace

std::vector<ProbeEntry> IpcProbes() {
  return {{"ipc.sysv_shm", Shm},
          {"ipc.sysv_msg", Msg},
          {"ipc.sysv_sem", Sem},
          {"ipc.posix_mq", PosixMq}};
}

}  // namespace nsm::probes
