// The host sandbox's IPC objects: a SysV shared memory segment, message queue
// and semaphore set with known keys, and a POSIX message queue with a known
// name, all owned by root with mode 0600, in the sandbox's IPC namespace.
#pragma once

#include "harness/common/result.h"

namespace nsm {

class IpcFixture {
 public:
  static Result<IpcFixture> Create();
  Status Check() const;
  // Recreates whatever is missing.
  Status Restore();
};

}  // namespace nsm
