// The host sandbox's IPC objects: a SysV shared memory segment, message queue
// and semaphore set with known keys, and a POSIX message queue with a known
// name, all owned (and made) by the sandbox's root with mode 0600, in the
// sandbox's IPC namespace; one of another owner or mode is damage. The
// segment stays all zeros: ipc.shm_write's writing is looked for there,
// through the one attachment the fixture keeps for its life.
#pragma once

#include <string>

#include "harness/common/result.h"

namespace nsm {

class IpcFixture {
 public:
  static Result<IpcFixture> Create();
  IpcFixture(IpcFixture&& other) noexcept;
  IpcFixture& operator=(IpcFixture&& other) noexcept;
  ~IpcFixture() { Detach(); }
  // Every object exists, the sandbox's with mode 0600, and the segment is all zeros.
  Status Check() const;
  // Recreates whatever is missing or not the sandbox's (owner, creator, mode)
  // and zeroes the segment.
  Status Restore();
  // The text at the start of the segment (up to its first zero byte).
  Result<std::string> SegmentText() const;

 private:
  IpcFixture() = default;
  void Detach();

  int shm_id_ = -1;        // the segment the sandbox made and keeps attached
  char* bytes_ = nullptr;  // its kShmSize bytes
};

}  // namespace nsm
