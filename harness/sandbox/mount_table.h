// The sandbox's mount table, read again only when the kernel says it changed.
//
// poll() on an open /proc/self/mountinfo reports POLLPRI once for every change
// to that mount namespace since the last poll (proc(5); systemd and libmount
// watch mounts this way). A table read right after a poll is therefore exact
// until the next POLLPRI, and the per-cell fixture check and the mount judge
// need not format the whole table twice per combination.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/common/result.h"
#include "harness/common/unique_fd.h"

namespace nsm {

struct MountEntry {
  std::string point;   // mount point, as mountinfo shows it
  std::string source;  // mount source
  std::string fstype;  // filesystem type, e.g. tmpfs, cgroup2
};

class MountTable {
 public:
  // Opens this process's mountinfo for change events and reads it once.
  static Result<MountTable> Open(const std::string& path = "/proc/self/mountinfo");

  // The table now, or nullptr when it cannot be read (never "empty"). From
  // the last read when poll shows no change, else read again.
  const std::vector<MountEntry>* Current();

  // How many times the table was read: for tests of the cache.
  int Reads() const { return reads_; }

 private:
  explicit MountTable(UniqueFd events) : events_(std::move(events)) {}
  bool Reread();

  UniqueFd events_;                                // watched with poll() and read with pread()
  std::optional<std::vector<MountEntry>> mounts_;  // nullopt: unread or unreadable
  int reads_ = 0;
};

// Parses mountinfo text; lines without the separator are skipped.
std::vector<MountEntry> ParseMountInfo(std::string_view text);

}  // namespace nsm
