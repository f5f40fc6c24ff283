// Facts about the machine a matrix was run on, for the report's `host` section.
#pragma once

#include <string>

namespace nsm {

struct HostInfo {
  std::string kernel_release;
  std::string kernel_version;
  std::string architecture;
  std::string hostname;
  int cpus = 0;
  std::string mode;  // root | userns-root | rootless
  // How the launcher reads a container's namespace links here: "pidfd"
  // (PIDFD_GET_*_NAMESPACE, Linux 6.11+) or "proc" (/proc/PID/ns, before).
  std::string ns_links_via;
};

HostInfo CollectHostInfo();

// root: euid 0 in the machine's user namespace; userns-root: euid 0 inside a
// user namespace (e.g. unshare --user --map-root-user); rootless: an ordinary
// user, or a run that entered a user namespace of its own as one
// (MarkRootless).
std::string DetectMode();

// Called once a run by an ordinary user is root in a user namespace of its
// own (EnterRootlessUserNamespace): it stays a rootless run.
void MarkRootless();

}  // namespace nsm
