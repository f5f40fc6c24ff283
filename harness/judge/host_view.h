// What the host side can see after a container ran: the judges' only window
// onto the host sandbox, so they can be tested against a fake.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"

namespace nsm {

// Names the harness chose for one cell, so a judge never has to trust the
// container's word for what it was asked to do.
struct CellNames {
  std::string hostname;     // uts.hostname tries this
  std::string domainname;   // uts.domainname tries this
  std::string leak_source;  // mnt.mount_leak mounts a tmpfs with this source
  std::string mknod_path;   // user.mknod creates this (container path)
  std::string
      propagation_source;   // the host mounts a tmpfs with this source for mnt.propagation_in
  std::string shm_marker;   // ipc.shm_write writes this into the segment of the host's key
  std::string orphan_comm;  // pid.orphan names the process it leaves running so
};

// A host file owned by an id that no container id map covers.
struct UnmappedOwner {
  long long host_uid = -1;      // its owner as the host sees it
  long long overflow_uid = -1;  // what the kernel shows for an unmapped id (overflowuid)
  std::string unavailable;      // why there is no such file; empty when there is
};

// The user namespace the host holds open for user.setns_sibling.
struct HeldUserns {
  NsId id;                  // its nsfs device and inode
  std::string unavailable;  // why there is none; empty when there is
  bool refused = false;     // none because the kernel refused one (RefusesNamespaces)
};

// The containers' cgroup directory as the host sees it.
struct CellCgroupDir {
  std::string path;  // absolute, in the host's mount namespace
  uint64_t dev = 0, ino = 0;
  // Its path in the host's cgroup namespace ("/cell"), when the host has a
  // cgroup namespace of its own rooted at the cell's parent; empty otherwise.
  std::string in_ns;
};

class HostView {
 public:
  virtual ~HostView() = default;
  virtual NsId NsLink(Ns ns) const = 0;
  // The container's namespaces as the host saw them (/proc/PID/ns/*, read
  // between clone3 and exec). nullopt where the host could not see it.
  virtual std::optional<NsId> ContainerNsLink(Ns ns) const = 0;
  virtual std::string ExpectedHostname() const = 0;  // what the sandbox was named
  virtual std::string CurrentHostname() const = 0;
  virtual std::string ExpectedDomainname() const = 0;
  virtual std::string CurrentDomainname() const = 0;
  virtual pid_t SentinelPid() const = 0;
  virtual std::string SentinelComm() const = 0;
  // True when the sentinel is dead, or dies within `grace`. A SIGKILL is
  // delivered asynchronously, so a kill that succeeded needs a grace period.
  virtual bool SentinelDeadWithin(std::chrono::milliseconds grace) = 0;
  virtual std::string ListenerBanner() const = 0;  // what the host's listeners answer
  virtual int HostIfaceMtu() const = 0;            // -1 when it cannot be read
  virtual std::string SecretContent() const = 0;   // the host-root-only file's content
  virtual std::optional<bool> MountWithSource(
      const std::string& source) const = 0;  // nullopt: unreadable
  virtual bool DeviceNodeAt(const std::string& container_path) const = 0;
  // Why containers could not be placed in a cgroup of their own; nullopt when they were.
  virtual std::optional<std::string> CgroupUnavailable() const = 0;
  // The host's CLOCK_BOOTTIME (ms) just before launch and just after the container exited.
  virtual std::pair<long long, long long> BootTimeWindowMs() const = 0;
  // The same for CLOCK_MONOTONIC.
  virtual std::pair<long long, long long> MonotonicWindowMs() const = 0;
  virtual const UnmappedOwner& ForeignOwner() const = 0;
  virtual const HeldUserns& SiblingUserns() const = 0;
  // The process that launched the container (and sent it the pending signal),
  // as the host's PID namespace numbers it.
  virtual pid_t LauncherPid() const = 0;
  // The containers' cgroup; nullopt exactly when CgroupUnavailable() says why.
  virtual std::optional<CellCgroupDir> CellCgroup() const = 0;
  // Does the host's /sys/class/net list its fixture interface (a sysfs of the
  // host's own network namespace)?
  virtual bool SysfsListsHostIface() const = 0;
  // Did the host mount the propagation_source tmpfs while the container was set up?
  virtual bool PropagationMountMade() const = 0;
  // The text at the start of the host's SysV segment (empty: all zeros, as the
  // fixture keeps it); nullopt when it cannot be read.
  virtual std::optional<std::string> HostShmText() const = 0;
  // Is a process with this name alive in the host sandbox (the container's
  // first process already reaped)? An error when /proc cannot be listed or a
  // process's name cannot be read: a scan that could not look is no "no".
  virtual Result<bool> ProcessWithComm(const std::string& comm) const = 0;
  // The host interface's IPv4 address (empty: none, as the fixture keeps it);
  // nullopt when it cannot be read.
  virtual std::optional<std::string> HostIfaceAddress() const = 0;
  virtual const CellNames& Names() const = 0;
};

}  // namespace nsm
