// How deep user and PID namespaces nest here: namespaces created one inside
// the other, in a throwaway child, until the kernel refuses. The kernel's
// limits: a PID namespace at most at level 32 (MAX_PID_NS_LEVEL), a user
// namespace at most at level 33 (create_user_ns refuses a parent deeper than
// 32). A count limit (user.max_user_namespaces, user.max_pid_namespaces) can
// stop it sooner with the same ENOSPC: the level reached tells them apart.
#pragma once

#include <optional>
#include <string>

#include "harness/common/namespaces.h"

namespace nsm {

// The deepest level the kernel allows for `ns` (user or pid).
inline int NestingLimit(Ns ns) {
  return ns == Ns::user ? 33 : 32;
}

struct NestingDepth {
  Ns ns = Ns::user;
  // The caller's level: 0 in the initial namespace; for PID as the NSpid line
  // of /proc/self/status counts it (relative to /proc's PID namespace); for
  // user, 0 when the uid map is the identity of the initial namespace.
  std::optional<int> start_level;
  int created = 0;     // nested namespaces made below the caller's
  int err = 0;         // errno of the creation that failed; 0 when the check broke
  std::string detail;  // what happened, or why the check broke
  // The creation that failed was refused at the kernel's level limit (false
  // too where the caller's own level is unknown).
  bool at_limit = false;
};

// Runs in a child process (a chain of them for PID); never leaves one behind.
// Call from a single-threaded process. Only user and pid are measured.
NestingDepth MeasureNesting(Ns ns);

}  // namespace nsm
