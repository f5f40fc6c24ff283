// The host sandbox's filesystem fixtures, on a tmpfs the sandbox mounts over
// <root>/tmp in its own mount namespace (never the machine's, and never a
// change to a root filesystem's contents): a file owned by host root with mode
// 0600 holding a nonce, an empty directory for mnt.mount_leak to mount on, a
// world-writable directory for user.mknod, a file owned by an id no
// container map covers, for user.overflow_id, and an empty directory the
// host mounts on while a container is set up, for mnt.propagation_in; and
// the nsfs file of a user namespace the sandbox made, for user.setns_sibling.
#pragma once

#include <optional>
#include <string>

#include "harness/common/result.h"
#include "harness/judge/host_view.h"
#include "harness/sandbox/mount_table.h"

namespace nsm {

class FsFixture {
 public:
  // `root` is "/" or the container root filesystem's absolute path.
  static Result<FsFixture> Create(const std::string& root, const std::string& nonce);

  const std::string& SecretContent() const { return secret_; }
  // The foreign file's owner as the host sees it, or why there is none.
  const UnmappedOwner& ForeignOwner() const { return foreign_; }
  const HeldUserns& SiblingUserns() const { return sibling_; }
  // Is a mount with this source in the sandbox's mount table? nullopt when
  // the table cannot be read: never "no".
  std::optional<bool> MountWithSource(const std::string& source) const;
  // Is there a device node at this container path (host view)?
  bool DeviceNodeAt(const std::string& container_path) const;
  Status Check() const;
  // The mount table as it is now is the one Check holds the sandbox to: for
  // mounts the sandbox adds after the fixture.
  Status RecountMounts();
  // Mounts a tmpfs with this source on the propagation directory / takes it off.
  Status MountForPropagation(const std::string& source);
  void UnmountForPropagation();
  // Unmounts leaked mounts, removes created nodes.
  Status Restore();
  // Empties the mknod directory (names only, never following links).
  Status RemoveCreatedNodes();
  // Where a container path of the root filesystem is in the sandbox.
  std::string HostPath(const std::string& container_path) const;

 private:
  Status CreateForeignFile();
  Status HoldSiblingUserns();

  std::string root_;
  std::string secret_;
  UnmappedOwner foreign_;
  HeldUserns sibling_;
  size_t mount_count_ = 0;  // the sandbox's mount table after set-up: it must not drift
  // Read again only after the kernel reports a change; a cache, hence mutable.
  mutable std::optional<MountTable> mounts_;
};

}  // namespace nsm
