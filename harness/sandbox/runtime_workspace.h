// Room in the host sandbox for a runtime that takes an OCI bundle (runc,
// crun). All of it is in the sandbox's mount namespace, under its /tmp, and
// goes when the sandbox goes.
#pragma once

#include <string>

#include "harness/common/result.h"

namespace nsm {

// DIR (a private tmpfs) with:
//   DIR/rootfs   the sandbox's `root` bound recursively, as a bundle's root:
//                its mounts are peers of the sandbox's, so propagation between
//                a container and the sandbox is the runtime's choice alone;
//                its /dev is a tmpfs of its own, so the device nodes and links
//                a runtime makes there never reach the machine's devtmpfs;
//                its copy of DIR is covered by an empty read-only tmpfs, so
//                no container sees the bundles or the runtimes' state;
//   DIR/state    the runtime's --root (never /run/runc or /run/crun);
//   DIR/bundles  one bundle directory per container.
Status MakeRuntimeWorkspace(const std::string& root, const std::string& dir);

// crun 1.8 refuses a hybrid cgroup layout whose v2 hierarchy lists any
// controller. In the sandbox only, /sys/fs/cgroup/unified/cgroup.controllers
// is covered with an empty file (/dev/null); nothing when there is no such file.
Status EmptyCgroup2Controllers();

// systemd-nspawn keeps its locks and propagation directories under
// /run/systemd/nspawn, on the machine's /run. In the sandbox only, /run is a
// tmpfs of its own, so they go with the sandbox.
Status MountPrivateRun();

}  // namespace nsm
