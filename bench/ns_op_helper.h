// unshare(2) and setns(2), timed in a process of their own.
//
// The benchmark process has threads (Google Benchmark's, glibc's), and the kernel
// refuses setns into a mount, user or time namespace and unshare(CLONE_NEWUSER) to a
// multithreaded process; a namespace entered would also stay entered for the rest of
// the run. So a single-threaded helper, cloned per benchmark, makes the calls on
// request and reports back over a pipe how long they took inside the kernel.
#pragma once

#include <cstdint>

#include "harness/common/child_process.h"
#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

enum class NsCall { kUnshare, kSetns };

struct NsOpSpec {
  NsCall call = NsCall::kUnshare;
  uint64_t flag = 0;   // one CLONE_NEW* flag; 0 with kUnshare: unshare(0), the bare system call
  int target_fd = -1;  // kSetns: the namespace to enter
  // After each timed call, setns(restore_fd, flag), untimed: back to the original
  // namespace (setns), or the only way to unshare a PID namespace again (unshare).
  int restore_fd = -1;
  // The kernel allows the call once per process (a user namespace cannot be unshared
  // again, or left): each call is made in a fresh vfork-style child of the helper.
  bool fresh_process = false;
};

class NsOpHelper {
 public:
  static Result<NsOpHelper> Start(const NsOpSpec& spec);

  // Makes the call `count` times; the seconds spent inside the timed calls. The
  // first failing call ends the batch with its errno and the call's name.
  Result<double> Run(uint32_t count);

 private:
  NsOpHelper(const NsOpSpec& spec, ChildProcess process, UniqueFd requests, UniqueFd replies)
      : spec_(spec),
        process_(std::move(process)),
        requests_(std::move(requests)),
        replies_(std::move(replies)) {}

  NsOpSpec spec_;
  ChildProcess process_;  // declared before the pipes: killed and reaped after they close
  UniqueFd requests_;     // write end; closing it ends the helper
  UniqueFd replies_;
};

}  // namespace nsm
