#include "harness/sandbox/ipc_fixture.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "harness/common/fixtures.h"

namespace nsm {
namespace {

// The objects exist (made where create is set); returns the segment's id.
Result<int> Ensure(bool create) {
  int flags = create ? IPC_CREAT | 0600 : 0;
  int shm_id = shmget(fixtures::kShmKey, create ? fixtures::kShmSize : 0, flags);
  if (shm_id < 0) return FailErrno("shmget", "host IPC fixture");
  if (msgget(fixtures::kMsgKey, flags) < 0) return FailErrno("msgget", "host IPC fixture");
  if (semget(fixtures::kSemKey, create ? 1 : 0, flags) < 0)
    return FailErrno("semget", "host IPC fixture");
  // Tiny: RLIMIT_MSGQUEUE counts every queue of the user (root) across all
  // IPC namespaces, and a dozen sandboxes with default-sized queues exhaust it.
  mq_attr attr{};
  attr.mq_maxmsg = 1;
  attr.mq_msgsize = 16;
  mqd_t mq = create ? mq_open(fixtures::kMqName, O_RDWR | O_CREAT | O_CLOEXEC, 0600, &attr)
                    : mq_open(fixtures::kMqName, O_RDONLY | O_CLOEXEC);
  if (mq == static_cast<mqd_t>(-1)) {
    return FailErrno("mq_open " + std::string(fixtures::kMqName), "host IPC fixture");
  }
  mq_close(mq);
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
