// The host's own record of a child's namespaces: the nsfs device and inode of
// each of its eight, read by the parent while the child waits before exec (the
// container has run no code of its own yet).
#pragma once

#include <array>
#include <string>

#include "harness/common/child_process.h"
#include "harness/common/namespaces.h"
#include "harness/common/result.h"

namespace nsm {

using NsLinks = std::array<NsId, kNsCount>;

// Through the pidfd (ioctl PIDFD_GET_<TYPE>_NAMESPACE, Linux 6.11+), which
// skips eight path walks through /proc; a kernel without those ioctls gets
// ReadNsLinksFromProc from then on.
Result<NsLinks> ReadNsLinks(const ChildProcess& child);

// stat(2) of /proc/PID/ns/<type>, one lookup of the directory.
Result<NsLinks> ReadNsLinksFromProc(pid_t pid);

// How ReadNsLinks reads links on this kernel, asked of a pidfd of this process:
// "pidfd" (the ioctls answer) or "proc" (they do not: Linux before 6.11).
std::string NsLinksMethod();

}  // namespace nsm
