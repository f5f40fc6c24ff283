#include "harness/runtime/nspawn_adapter.h"

#include "harness/common/strings.h"

namespace nsm {

// systemd-nspawn 252 as root, on a directory (the workspace's view of the host
// sandbox's /), without systemd as PID 1 (--register=no --keep-unit). It
// always makes a mount namespace and has no time namespace. The UTS, IPC and
// PID namespaces and the cgroup namespace it makes unless told otherwise by
// its documented environment variables (SYSTEMD_NSPAWN_SHARE_NS_UTS and so
// on, systemd's docs/ENVIRONMENT.md); network and user namespaces only on
// request. Whatever the flags, it mounts its own /proc, /sys (with cgroup
// hierarchies), /dev, /run and /dev/mqueue where nothing is mounted yet (the
// host's /tmp, with the fixtures, stays): that is nspawn, and the matrix shows
// what it changes (runtime_sysfs in the rules).
//
// As with runc and crun, none of its hardening beyond the namespaces: every
// capability of the bounding set, and no seccomp filter (SYSTEMD_SECCOMP=0).
// Never anything that writes into the root: no resolv.conf or timezone copied
// in (with a root bound from the host, --resolv-conf=auto copies the host's
// file onto itself and empties it), no journal link, no chown of the tree, no
// .nspawn settings file read.
std::variant<RuntimeCommand, Refusal> NspawnAdapter::Command(
    const RuntimeCell& cell, const std::string& runtime_path) const {
  const NsSet ns = cell.namespaces;
  if (!ns.Has(Ns::mnt))
    return Refusal{"systemd-nspawn always makes a new mount namespace; it cannot leave it out"};
  if (ns.Has(Ns::time)) return Refusal{"systemd-nspawn has no option for a time namespace"};
  RuntimeCommand command;
  command.argv = {runtime_path,
                  "--quiet",
                  "--register=no",
                  "--keep-unit",
                  "--settings=no",
                  "--directory=" + cell.rootfs,
                  "--machine=" + cell.container_id,
                  "--console=pipe",
                  "--resolv-conf=off",
                  "--timezone=off",
                  "--link-journal=no",
                  "--private-users-ownership=off",
                  "--capability=all"};
  if (ns.Has(Ns::user)) {
    command.argv.push_back(cell.userns_map == UsernsMap::root ? "--private-users=0:1"
                                                              : "--private-users=100000:65536");
  } else {
    command.argv.push_back("--private-users=no");
  }
  if (ns.Has(Ns::net)) command.argv.push_back("--private-network");
  command.argv.push_back("--");
  command.argv.push_back(cell.probe_program);
  command.argv.insert(command.argv.end(), cell.probe_args.begin(), cell.probe_args.end());
  command.env = {"SYSTEMD_SECCOMP=0"};
  if (!ns.Has(Ns::uts)) command.env.push_back("SYSTEMD_NSPAWN_SHARE_NS_UTS=1");
  if (!ns.Has(Ns::ipc)) command.env.push_back("SYSTEMD_NSPAWN_SHARE_NS_IPC=1");
  if (!ns.Has(Ns::pid)) command.env.push_back("SYSTEMD_NSPAWN_SHARE_NS_PID=1");
  if (!ns.Has(Ns::cgroup)) command.env.push_back("SYSTEMD_NSPAWN_USE_CGNS=0");
  command.listen_fds = true;
  return command;
}

// Seen with systemd 252: the container's mounts are shared in peer groups of
// their own, with no master, so no mount goes either way between it and the
// host: as private propagation.
std::optional<Propagation> NspawnAdapter::FixedPropagation() const {
  return Propagation::kPrivate;
}

// nspawn's messages carry no name of their own; before the probe's hello,
// what is on stderr is nspawn's.
std::optional<std::string> NspawnAdapter::OwnMessage(std::string_view stderr_text) const {
  std::string_view text = Trim(stderr_text);
  if (text.empty()) return std::nullopt;
  return std::string(text);
}

// nspawn's own refusals, as systemd 252 words them; anything else it says
// (a bad option, a missing file, a cgroup it could not make) is an error.
bool NspawnAdapter::IsRefusal(std::string_view own_message, NsSet asked) const {
  for (std::string_view line : Split(own_message, '\n')) {
    auto has = [line](std::string_view part) { return line.find(part) != std::string_view::npos; };
    // The kernel: a procfs needs the PID namespace's owner (container root
    // in a user namespace without a PID namespace of its own: only there is
    // this a refusal), or a namespace refused outright (a sysctl, a limit, a
    // security module). A sysfs it would not mount is an error: the one time
    // it was seen here, this project's own sandbox had caused it
    // (docs/runtimes.md).
    if (line.starts_with("Failed to mount proc ") && has("Operation not permitted")) {
      if (asked.Has(Ns::user) && !asked.Has(Ns::pid)) return true;
      continue;
    }
    if ((line.starts_with("Failed to fork inner child") || line.starts_with("Failed to clone") ||
         line.starts_with("Failed to unshare")) &&
        (has("Operation not permitted") || has("No space left on device") ||
         has("Invalid argument")))
      return true;
  }
  return false;
}

}  // namespace nsm
