#include "harness/launcher/ns_links.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "harness/common/unique_fd.h"

namespace nsm {
namespace {

// <linux/pidfd.h> of Linux 6.11; Debian 12's headers predate it.
constexpr unsigned kPidfsIoctlMagic = 0xFF;

unsigned long PidfdGetNamespace(Ns ns) {
  int nr = 0;
  switch (ns) {
    case Ns::cgroup:
      nr = 1;
      break;
    case Ns::ipc:
      nr = 2;
      break;
    case Ns::mnt:
      nr = 3;
      break;
    case Ns::net:
      nr = 4;
      break;
    case Ns::pid:
      nr = 5;  // the namespace the child is in, not the one for its children (6)
      break;
    case Ns::time:
      nr = 7;  // likewise (8 is time_for_children)
      break;
    case Ns::user:
      nr = 9;
      break;
    case Ns::uts:
      nr = 10;
      break;
  }
  return _IO(kPidfsIoctlMagic, nr);
}

// 0, or the errno of the first ioctl or fstat that failed.
int ReadByPidfd(int pidfd, NsLinks* links) {
  for (const NsInfo& info : kNamespaces) {
    UniqueFd ns(ioctl(pidfd, PidfdGetNamespace(info.ns), 0));
    if (!ns.Valid()) return errno;
    struct stat st {};
    if (fstat(ns.Get(), &st) != 0) return errno;
    (*links)[static_cast<int>(info.ns)] = NsId{st.st_dev, st.st_ino};
  }
  return 0;
}

// What a kernel without the ioctls answers: pidfds of Linux < 6.11 have no
// ioctl at all (ENOTTY); EINVAL and EOPNOTSUPP for a request it does not know.
bool IoctlMissing(int err) {
  return err == ENOTTY || err == EINVAL || err == EOPNOTSUPP;
}

std::atomic<bool> ioctls_missing{false};

}  // namespace

Result<NsLinks> ReadNsLinksFromProc(pid_t pid) {
  NsLinks links{};
  std::string dir = "/proc/" + std::to_string(pid) + "/ns";
  UniqueFd ns_dir(open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!ns_dir.Valid()) return FailErrno("open " + dir, "read the container's namespaces");
  for (const NsInfo& info : kNamespaces) {
    struct stat st {};
    std::string name(info.name);
    if (fstatat(ns_dir.Get(), name.c_str(), &st, 0) != 0) {
      // The kernel has no such type at all (the runner's own link is missing
      // too): the id stays zero. A container that died early is an error.
      int err = errno;
      std::string own = "/proc/self/ns/" + name;
      if (err == ENOENT && access(own.c_str(), F_OK) != 0) continue;
      errno = err;
      return FailErrno("stat " + dir + "/" + name, "read the container's namespaces");
    }
    links[static_cast<int>(info.ns)] = NsId{st.st_dev, st.st_ino};
  }
  return links;
}

std::string NsLinksMethod() {
  UniqueFd self(static_cast<int>(syscall(SYS_pidfd_open, getpid(), 0)));
  NsLinks links{};
  return self.Valid() && ReadByPidfd(self.Get(), &links) == 0 ? "pidfd" : "proc";
}

Result<NsLinks> ReadNsLinks(const ChildProcess& child) {
  if (child.PidFd() >= 0 && !ioctls_missing.load(std::memory_order_relaxed)) {
    NsLinks links{};
    int err = ReadByPidfd(child.PidFd(), &links);
    if (err == 0) return links;
    if (!IoctlMissing(err)) {
      return Fail(err, "ioctl(pidfd, PIDFD_GET_*_NAMESPACE)",
                  "read the container's namespaces (pid " + std::to_string(child.Pid()) + ")");
    }
    ioctls_missing.store(true, std::memory_order_relaxed);
  }
  return ReadNsLinksFromProc(child.Pid());
}

}  // namespace nsm
