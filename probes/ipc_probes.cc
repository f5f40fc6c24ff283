// ipc.*: look up the host sandbox's IPC objects by key or name, as an attacker
// who knows (or guesses) them would. "Found" includes EACCES: the object exists
// and is reachable by name even when its mode refuses us. ipc.shm_write goes
// further: it writes into whatever segment the host's key gives it (making one
// if there is none), and the host looks in its own segment for the writing.
#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "harness/common/fixtures.h"
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

protocol::Record ShmWrite(const ProbeContext& ctx, std::string_view id) {
  std::string marker = ctx.Get("shm-marker");
  if (marker.empty() || marker.size() >= 64) return ErrorRecord(id, "no shm-marker given", EINVAL);
  protocol::Record record = NewRecord(id);
  int shmid = shmget(fixtures::kShmKey, fixtures::kShmSize, IPC_CREAT | 0600);
  // errno is read before the record's Add calls, which allocate.
  if (shmid < 0) {
    int err = errno;
    return record.Add("stage", "shmget").Add("wrote", 0).Add("errno", err);
  }
  void* at = shmat(shmid, nullptr, 0);
  if (at == reinterpret_cast<void*>(-1)) {
    int err = errno;
    return record.Add("stage", "shmat").Add("wrote", 0).Add("errno", err);
  }
  memcpy(at, marker.c_str(), marker.size() + 1);
  shmdt(at);
  return record.Add("stage", "write").Add("wrote", 1).Add("errno", 0).Add("marker", marker);
}

}  // namespace

std::vector<ProbeEntry> IpcProbes() {
  return {{"ipc.sysv_shm", Shm},
          {"ipc.sysv_msg", Msg},
          {"ipc.sysv_sem", Sem},
          {"ipc.posix_mq", PosixMq},
          {"ipc.shm_write", ShmWrite}};
}

}  // namespace nsm::probes
