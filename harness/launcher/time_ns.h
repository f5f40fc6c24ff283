// A time namespace with clock offsets for the launcher's next child.
//
// clone3(CLONE_NEWTIME) cannot carry offsets: the kernel freezes them once a
// process is inside. So the launcher does what `unshare --time --boottime`
// does, without its extra process: unshare(CLONE_NEWTIME) changes only the
// namespace its *children* get, the offsets go into
// /proc/self/timens_offsets, clone3 makes the container the namespace's first
// process, and setns(2) then takes the launcher back to its own namespace
// for the children after it.
//
// One difference from `unshare --user --time`: the namespace belongs to the
// launcher's user namespace, not to the container's new one (which does not
// exist yet when it is made). Container root therefore holds no capability
// over its own time namespace; its offsets are frozen for it either way.
//
// setns into a time namespace needs a single-threaded caller (EUSERS
// otherwise), so Enter refuses a multi-threaded process up front. If Leave
// ever fails, every later child would be born in the container's namespace:
// the process is then marked and Launch refuses to go on (TimeNsPoisoned).
#pragma once

#include <string>

#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

class TimeNsForNextChild {
 public:
  // Errors: op "unshare(CLONE_NEWTIME)" when the kernel refuses a new time
  // namespace (the caller's "unsupported"); anything else is a plain error.
  static Result<TimeNsForNextChild> Enter(const std::string& offsets);

  TimeNsForNextChild(TimeNsForNextChild&&) = default;
  TimeNsForNextChild& operator=(TimeNsForNextChild&&) = delete;
  ~TimeNsForNextChild() { (void)Leave(); }

  // Back to the process's own time namespace for later children. Idempotent.
  Status Leave();

 private:
  explicit TimeNsForNextChild(UniqueFd own) : own_(std::move(own)) {}
  UniqueFd own_;  // the process's own time namespace; invalid once left
};

// True once a Leave failed in this process: no child may be launched.
bool TimeNsPoisoned();

inline constexpr const char* kUnshareTimeOp = "unshare(CLONE_NEWTIME)";

}  // namespace nsm
