#include "harness/sandbox/ipc_fixture.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <algorithm>
#include <cstring>

#include "probes/fixtures.h"

namespace nsm {
namespace {

Status Ensure(bool create) {
  int flags = create ? IPC_CREAT | 0600 : 0;
  if (shmget(fixtures::kShmKey, create ? fixtures::kShmSize : 0, flags) < 0)
    return FailErrno("shmget", "host IPC fixture");
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
  return {};
}

// Attaches the segment for the length of a call.
class Attached {
 public:
  explicit Attached(bool writable) {
    int id = shmget(fixtures::kShmKey, 0, 0);
    if (id >= 0) at_ = shmat(id, nullptr, writable ? 0 : SHM_RDONLY);
    if (at_ == reinterpret_cast<void*>(-1)) at_ = nullptr;
    if (!at_) err_ = errno;
  }
  ~Attached() {
    if (at_) shmdt(at_);
  }
  Attached(const Attached&) = delete;
  Attached& operator=(const Attached&) = delete;
  char* Bytes() const { return static_cast<char*>(at_); }
  int Errno() const { return err_; }

 private:
  void* at_ = nullptr;
  int err_ = 0;
};

}  // namespace

Result<IpcFixture> IpcFixture::Create() {
  if (Status s = Ensure(true); !s) return std::unexpected(s.error());
  return IpcFixture();
}

Status IpcFixture::Check() const {
  if (Status s = Ensure(false); !s) return s;
  Result<std::string> text = SegmentText();
  if (!text) return std::unexpected(text.error());
  if (!text->empty())
    return Fail(0, "check the SysV segment", "host IPC fixture", "someone wrote '" + *text + "'");
  return {};
}

Status IpcFixture::Restore() {
  if (Status s = Ensure(true); !s) return s;
  Attached segment(true);
  if (!segment.Bytes()) return Fail(segment.Errno(), "shmat", "restore host IPC fixture");
  memset(segment.Bytes(), 0, fixtures::kShmSize);
  return {};
}

Result<std::string> IpcFixture::SegmentText() const {
  Attached segment(false);
  if (!segment.Bytes()) return Fail(segment.Errno(), "shmat", "read host IPC fixture");
  const char* bytes = segment.Bytes();
  constexpr size_t kLimit = 64;  // ipc.shm_write writes a short name
  return std::string(bytes, std::find(bytes, bytes + kLimit, '\0'));
}

}  // namespace nsm
