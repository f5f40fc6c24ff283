#include "harness/sandbox/mount_table.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "harness/common/strings.h"

namespace nsm {

std::vector<MountEntry> ParseMountInfo(std::string_view text) {
  std::vector<MountEntry> mounts;
  for (std::string_view line : Split(text, '\n')) {
    // id parent major:minor root mountpoint options... - fstype source superoptions
    std::vector<std::string_view> fields = Split(line, ' ');
    size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (fields.size() < 5 || dash + 2 >= fields.size()) continue;
    mounts.push_back(
        {std::string(fields[4]), std::string(fields[dash + 2]), std::string(fields[dash + 1])});
  }
  return mounts;
}

Result<MountTable> MountTable::Open(const std::string& path) {
  UniqueFd events(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!events.Valid()) return FailErrno("open " + path, "watch the mount table");
  MountTable table(std::move(events));
  // The event count was taken at open: any change from here on shows as POLLPRI.
  if (!table.Reread()) return Fail(EIO, "read " + path, "the mount table is empty or unreadable");
  return table;
}

bool MountTable::Reread() {
  ++reads_;
  // The descriptor that is watched is the one read, from the start.
  std::string info;
  char chunk[4096];
  for (off_t offset = 0;;) {
    ssize_t n = pread(events_.Get(), chunk, sizeof(chunk), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      mounts_.reset();
      return false;
    }
    if (n == 0) break;
    info.append(chunk, static_cast<size_t>(n));
    offset += n;
  }
  if (info.empty()) {
    mounts_.reset();
    return false;
  }
  mounts_ = ParseMountInfo(info);
  return true;
}

const std::vector<MountEntry>* MountTable::Current() {
  pollfd pfd{events_.Get(), POLLPRI, 0};
  int n = poll(&pfd, 1, 0);
  // Anything but a clean "no event" (a change, an error, a signal) reads
  // again: a stale table must never stand in for the real one. The poll has
  // taken the event, so a change during the read below shows next time.
  bool unchanged = n >= 0 && !(pfd.revents & (POLLPRI | POLLERR | POLLNVAL));
  if (!unchanged || !mounts_) Reread();
  return mounts_ ? &*mounts_ : nullptr;
}

}  // namespace nsm
