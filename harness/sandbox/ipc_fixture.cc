#include "harness/sandbox/ipc_fixture.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "probes/fixtures.h"

namespace nsm {
namespace {

Status Ensure(bool create) {
  int flags = create ? IPC_CREAT | 0600 : 0;
  if (shmget(fixtures::kShmKey, create ? 4096 : 0, flags) < 0)
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

}  // namespace

Result<IpcFixture> IpcFixture::Create() {
  if (Status s = Ensure(true); !s) return std::unexpected(s.error());
  return IpcFixture();
}

Status IpcFixture::Check() const {
  return Ensure(false);
}

Status IpcFixture::Restore() {
  return Ensure(true);
}

}  // namespace nsm
