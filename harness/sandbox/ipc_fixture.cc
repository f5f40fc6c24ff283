#include "harness/sandbox/ipc_fixture.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include "harness/common/fixtures.h"

namespace nsm {
namespace {

enum class Sysv { kShm, kMsg, kSem };

const char* Name(Sysv kind) {
  switch (kind) {
    case Sysv::kShm:
      return "SysV segment";
    case Sysv::kMsg:
      return "SysV message queue";
    case Sysv::kSem:
      return "SysV semaphore set";
  }
  return "";
}

int Get(Sysv kind, int flags) {
  switch (kind) {
    case Sysv::kShm:
      return shmget(fixtures::kShmKey, flags & IPC_CREAT ? fixtures::kShmSize : 0, flags);
    case Sysv::kMsg:
      return msgget(fixtures::kMsgKey, flags);
    case Sysv::kSem:
      return semget(fixtures::kSemKey, flags & IPC_CREAT ? 1 : 0, flags);
  }
  return -1;
}

// The object's owner and mode: 0 on success, else -1 with errno.
int Stat(Sysv kind, int id, ipc_perm& perm) {
  switch (kind) {
    case Sysv::kShm: {
      shmid_ds ds{};
      if (shmctl(id, IPC_STAT, &ds) != 0) return -1;
      perm = ds.shm_perm;
      return 0;
    }
    case Sysv::kMsg: {
      msqid_ds ds{};
      if (msgctl(id, IPC_STAT, &ds) != 0) return -1;
      perm = ds.msg_perm;
      return 0;
    }
    case Sysv::kSem: {
      semid_ds ds{};
      if (semctl(id, 0, IPC_STAT, &ds) != 0) return -1;
      perm = ds.sem_perm;
      return 0;
    }
  }
  return -1;
}

int Remove(Sysv kind, int id) {
  switch (kind) {
    case Sysv::kShm:
      return shmctl(id, IPC_RMID, nullptr);
    case Sysv::kMsg:
      return msgctl(id, IPC_RMID, nullptr);
    case Sysv::kSem:
      return semctl(id, 0, IPC_RMID);
  }
  return -1;
}

// What the fixture makes: owned (and made) by the sandbox's user and group, mode 0600.
bool Ours(uid_t uid, gid_t gid, mode_t mode) {
  return uid == geteuid() && gid == getegid() && (mode & 0777) == 0600;
}

std::string Differs(uid_t uid, gid_t gid, mode_t mode) {
  char octal[8];
  snprintf(octal, sizeof(octal), "%04o", static_cast<unsigned>(mode & 0777));  // not SHM_DEST etc.
  return "it is now uid " + std::to_string(uid) + ", gid " + std::to_string(gid) + ", mode " +
         octal + " (made again, or IPC_SET)";
}

// The object under kind's key: its id. With `create`, one that is missing is
// made, and one of another owner or mode is removed and made again: a
// container sharing the sandbox's IPC namespace as root can do either, and
// ipc.shm_write's outcome in later cells turns on the segment's owner, its
// creator and its mode.
Result<int> Ensure(Sysv kind, bool create) {
  const std::string what = Name(kind);
  int id = Get(kind, create ? IPC_CREAT | 0600 : 0);
  // Made again smaller than the fixture's (a segment, a set with fewer
  // semaphores): the key's object, to be made again below.
  bool too_small = false;
  if (id < 0 && create && errno == EINVAL) {
    id = Get(kind, 0);
    too_small = id >= 0;
  }
  if (id < 0) return FailErrno("get the " + what, "host IPC fixture");
  ipc_perm perm{};
  if (Stat(kind, id, perm) != 0) return FailErrno("IPC_STAT the " + what, "host IPC fixture");
  if (!too_small && Ours(perm.uid, perm.gid, perm.mode) && Ours(perm.cuid, perm.cgid, perm.mode))
    return id;
  if (!create) {
    return Fail(0, "check the " + what, "host IPC fixture",
                Differs(perm.cuid != geteuid() ? perm.cuid : perm.uid,
                        perm.cgid != getegid() ? perm.cgid : perm.gid, perm.mode));
  }
  if (Remove(kind, id) != 0) return FailErrno("remove the " + what, "restore host IPC fixture");
  id = Get(kind, IPC_CREAT | IPC_EXCL | 0600);
  if (id < 0) return FailErrno("make the " + what + " again", "restore host IPC fixture");
  return id;
}

// The POSIX queue exists, the sandbox's and mode 0600 (made, or made again, with `create`).
Status EnsureQueue(bool create) {
  // Tiny: RLIMIT_MSGQUEUE counts every queue of the user (root) across all
  // IPC namespaces, and a dozen sandboxes with default-sized queues exhaust it.
  mq_attr attr{};
  attr.mq_maxmsg = 1;
  attr.mq_msgsize = 16;
  const std::string what = "POSIX message queue " + std::string(fixtures::kMqName);
  for (int attempt = 0;; ++attempt) {
    int exclusive = attempt > 0 ? O_EXCL : 0;
    mqd_t mq =
        create ? mq_open(fixtures::kMqName, O_RDWR | O_CREAT | O_CLOEXEC | exclusive, 0600, &attr)
               : mq_open(fixtures::kMqName, O_RDONLY | O_CLOEXEC);
    if (mq == static_cast<mqd_t>(-1)) {
      // A queue the sandbox may not open (its owner unmapped here, in a
      // rootless run) is not the sandbox's: made again, as one of another owner.
      if (create && attempt == 0 && errno == EACCES && mq_unlink(fixtures::kMqName) == 0) continue;
      return FailErrno("open the " + what, "host IPC fixture");
    }
    struct stat st {};
    int stat_rc = fstat(mq, &st);
    int stat_err = errno;
    // mq_open applies the umask: the sandbox's own queue gets its mode outright.
    bool owned = stat_rc == 0 && st.st_uid == geteuid() && st.st_gid == getegid();
    if (create && owned && (st.st_mode & 0777) != 0600 && fchmod(mq, 0600) == 0)
      st.st_mode = (st.st_mode & ~07777) | 0600;
    mq_close(mq);
    if (stat_rc != 0) return Fail(stat_err, "fstat the " + what, "host IPC fixture");
    if (Ours(st.st_uid, st.st_gid, st.st_mode)) return {};
    if (!create || attempt > 0) {
      return Fail(0, "check the " + what, "host IPC fixture",
                  Differs(st.st_uid, st.st_gid, st.st_mode));
    }
    if (mq_unlink(fixtures::kMqName) != 0)
      return FailErrno("remove the " + what, "restore host IPC fixture");
  }
}

// The objects exist as the fixture made them (made again where create is set);
// returns the segment's id.
Result<int> Ensure(bool create) {
  Result<int> shm_id = Ensure(Sysv::kShm, create);
  if (!shm_id) return shm_id;
  for (Sysv kind : {Sysv::kMsg, Sysv::kSem}) {
    if (Result<int> id = Ensure(kind, create); !id) return std::unexpected(std::move(id.error()));
  }
  if (Status s = EnsureQueue(create); !s) return std::unexpected(std::move(s.error()));
  return shm_id;
}

std::string TextAt(const char* bytes) {
  constexpr size_t kLimit = 64;  // ipc.shm_write writes a short name
  return std::string(bytes, std::find(bytes, bytes + kLimit, '\0'));
}

}  // namespace

Result<IpcFixture> IpcFixture::Create() {
  IpcFixture fixture;
  if (Status s = fixture.Restore(); !s) return std::unexpected(s.error());
  return fixture;
}

IpcFixture::IpcFixture(IpcFixture&& other) noexcept
    : shm_id_(std::exchange(other.shm_id_, -1)), bytes_(std::exchange(other.bytes_, nullptr)) {}

IpcFixture& IpcFixture::operator=(IpcFixture&& other) noexcept {
  if (this != &other) {
    Detach();
    shm_id_ = std::exchange(other.shm_id_, -1);
    bytes_ = std::exchange(other.bytes_, nullptr);
  }
  return *this;
}

void IpcFixture::Detach() {
  if (bytes_) shmdt(bytes_);
  bytes_ = nullptr;
  shm_id_ = -1;
}

Status IpcFixture::Check() const {
  Result<int> shm_id = Ensure(false);
  if (!shm_id) return std::unexpected(shm_id.error());
  if (*shm_id != shm_id_)
    return Fail(0, "check the SysV segment", "host IPC fixture", "it was removed and made again");
  std::string text = TextAt(bytes_);
  if (!text.empty())
    return Fail(0, "check the SysV segment", "host IPC fixture", "someone wrote '" + text + "'");
  return {};
}

Status IpcFixture::Restore() {
  Result<int> shm_id = Ensure(true);
  if (!shm_id) return std::unexpected(shm_id.error());
  if (*shm_id != shm_id_) {
    Detach();
    void* at = shmat(*shm_id, nullptr, 0);
    if (at == reinterpret_cast<void*>(-1)) return FailErrno("shmat", "restore host IPC fixture");
    shm_id_ = *shm_id;
    bytes_ = static_cast<char*>(at);
  }
  memset(bytes_, 0, fixtures::kShmSize);
  return {};
}

Result<std::string> IpcFixture::SegmentText() const {
  int shm_id = shmget(fixtures::kShmKey, 0, 0);
  if (shm_id < 0) return FailErrno("shmget", "read host IPC fixture");
  if (shm_id == shm_id_) return TextAt(bytes_);
  // Not the segment the sandbox made: what the key names now, read once.
  void* at = shmat(shm_id, nullptr, SHM_RDONLY);
  if (at == reinterpret_cast<void*>(-1)) return FailErrno("shmat", "read host IPC fixture");
  std::string text = TextAt(static_cast<const char*>(at));
  shmdt(at);
  return text;
}

}  // namespace nsm
