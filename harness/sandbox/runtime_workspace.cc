#include "harness/sandbox/runtime_workspace.h"

#include <sys/mount.h>
#include <sys/stat.h>

namespace nsm {

Status MakeRuntimeWorkspace(const std::string& root, const std::string& dir) {
  auto fail = [](const std::string& op) { return FailErrno(op, "runtime workspace"); };
  // Searchable by all: with --userns-map unprivileged the runtime reaches the
  // root from inside the user namespace, as an id the machine's root is not.
  if (mkdir(dir.c_str(), 0711) != 0) return fail("mkdir " + dir);
  // Private, so that nothing mounted below it propagates anywhere: the bind
  // of / below would otherwise reappear inside itself through /tmp's peers.
  if (mount("nsm-runtime", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0711,size=4m") != 0)
    return fail("mount tmpfs on " + dir);
  if (mount(nullptr, dir.c_str(), nullptr, MS_PRIVATE, nullptr) != 0)
    return fail("make " + dir + " private");
  for (const char* sub : {"/rootfs", "/state", "/bundles"}) {
    if (mkdir((dir + sub).c_str(), 0711) != 0) return fail("mkdir " + dir + sub);
  }
  std::string rootfs = dir + "/rootfs";
  if (mount(root.c_str(), rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
    return fail("bind " + root + " on " + rootfs);
  // The copy has the workspace in it too (at the same place below root): a
  // container would see every bundle and the runtimes' state, and could
  // rewrite the state that `delete --force` trusts. Covered by an empty
  // read-only tmpfs, on the copy alone (the workspace's copy is private).
  std::string inner = dir;
  if (root != "/" && inner.starts_with(root) && inner.size() > root.size() &&
      inner[root.size()] == '/')
    inner = inner.substr(root.size());
  std::string hidden = rootfs + (inner.starts_with("/") ? "" : "/") + inner;
  if (mount("nsm-runtime-hidden", hidden.c_str(), "tmpfs",
            MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k") != 0)
    return fail("cover the workspace's copy at " + hidden);
  // The copy of /dev leaves its peer group before anything covers it, so the
  // tmpfs stays on the copy. /dev must be a mount of its own for that: a
  // plain directory would take the tmpfs to the sandbox's /dev too.
  std::string dev = rootfs + "/dev";
  if (mount(nullptr, dev.c_str(), nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return fail("make " + dev + " private (is the host's /dev a mount of its own?)");
  if (mount("nsm-runtime-dev", dev.c_str(), "tmpfs", MS_NOSUID, "mode=0755,size=64k") != 0)
    return fail("mount tmpfs on " + dev);
  return {};
}

Status EmptyCgroup2Controllers() {
  constexpr const char* kControllers = "/sys/fs/cgroup/unified/cgroup.controllers";
  struct stat st {};
  if (stat(kControllers, &st) != 0) return {};
  if (mount("/dev/null", kControllers, nullptr, MS_BIND, nullptr) != 0)
    return FailErrno(std::string("bind /dev/null over ") + kControllers, "runtime workspace");
  return {};
}

Status MountPrivateRun() {
  if (mount("nsm-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m") != 0)
    return FailErrno("mount tmpfs on /run", "runtime workspace");
  return {};
}

}  // namespace nsm
