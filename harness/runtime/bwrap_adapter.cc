#include "harness/runtime/bwrap_adapter.h"

namespace nsm {

// bubblewrap 0.8.0 as root: it always makes a mount namespace (its root is a
// new tmpfs with the host's / bound onto it, recursively, and everything made
// a slave of the host's mounts), it has no option for a time namespace, and
// it maps only one id into a user namespace (--uid/--gid).
std::optional<std::string> BwrapAdapter::CannotMap(UsernsMap map) const {
  if (map == UsernsMap::root) return std::nullopt;
  return "bwrap maps a single id into a user namespace (--uid/--gid), not the range of "
         "--userns-map unprivileged";
}

std::variant<RuntimeCommand, Refusal> BwrapAdapter::Command(const RuntimeCell& cell,
                                                            const std::string& runtime_path) const {
  const NsSet ns = cell.namespaces;
  if (!ns.Has(Ns::mnt))
    return Refusal{"bwrap always makes a new mount namespace; it cannot leave it out"};
  if (ns.Has(Ns::time)) return Refusal{"bwrap has no option for a time namespace"};
  if (ns.Has(Ns::user)) {
    if (std::optional<std::string> why = CannotMap(cell.userns_map)) return Refusal{*why};
  }
  std::vector<std::string> argv = {runtime_path, "--bind", "/", "/", "--die-with-parent"};
  if (ns.Has(Ns::uts)) argv.push_back("--unshare-uts");
  if (ns.Has(Ns::ipc)) argv.push_back("--unshare-ipc");
  if (ns.Has(Ns::net)) argv.push_back("--unshare-net");
  if (ns.Has(Ns::pid)) {
    argv.push_back("--unshare-pid");
    // As the launcher does with a new mount and PID namespace.
    argv.insert(argv.end(), {"--proc", "/proc"});
  }
  if (ns.Has(Ns::user)) argv.insert(argv.end(), {"--unshare-user", "--uid", "0", "--gid", "0"});
  if (ns.Has(Ns::cgroup)) argv.push_back("--unshare-cgroup");
  argv.push_back(cell.probe_program);
  argv.insert(argv.end(), cell.probe_args.begin(), cell.probe_args.end());
  RuntimeCommand command;
  command.argv = std::move(argv);
  return command;
}

}  // namespace nsm
