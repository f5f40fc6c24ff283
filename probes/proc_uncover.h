// What lies under the container's /proc, as container root finds it by
// unmounting /proc: the container's procfs was mounted over whatever /proc its
// mount namespace copied (the host's, where nothing removed it first), and root
// may unmount what it mounted. pid.proc_under and the escape.* probes scan what
// this uncovers.
#pragma once

namespace nsm::probes {

struct UncoveredProc {
  static constexpr int kMaxLayers = 8;
  // A descriptor to each mount uncovered, top first (O_DIRECTORY, close-on-exec,
  // open for the process's life): the mounts are detached, but readable.
  int fds[kMaxLayers] = {};
  int count = 0;
  // What ended the uncovering, and its errno:
  //   bottom     success: /proc now shows a mount that sits on a directory, not
  //              on another mount on /proc
  //   umount     the kernel refused (EINVAL: a mount it locked), or another
  //              errno (EPERM here is a security module or seccomp: the
  //              unshare before it took CAP_SYS_ADMIN)
  //   unshare    no mount namespace of its own to unmount in (EPERM: no
  //              CAP_SYS_ADMIN, or seccomp), or another errno
  //   private    its copy could not be made private (nothing was unmounted)
  //   mountinfo, open, limit, clone, wait: it could not go on
  const char* stage = "";
  int err = 0;
};

// Done once per process (the probes of a container share it), in a private
// copy of the container's mount namespace that a short-lived child makes: the
// container's own /proc, and the host sandbox's, stay as they were.
const UncoveredProc& UncoverProc();

}  // namespace nsm::probes
