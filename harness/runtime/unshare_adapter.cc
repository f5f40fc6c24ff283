#include "harness/runtime/unshare_adapter.h"

namespace nsm {

// unshare(1) as util-linux 2.38 has it. With a PID namespace it forks (the
// probe is then PID 1, as with the launcher) and --kill-child takes the probe
// down with it; without one it execs the probe in its own place.
std::variant<RuntimeCommand, Refusal> UnshareAdapter::Command(
    const RuntimeCell& cell, const std::string& runtime_path) const {
  const NsSet ns = cell.namespaces;
  std::vector<std::string> argv = {runtime_path};
  if (ns.Has(Ns::mnt)) {
    argv.push_back("--mount");
    argv.push_back("--propagation=" + std::string(Name(cell.propagation)));
  }
  if (ns.Has(Ns::uts)) argv.push_back("--uts");
  if (ns.Has(Ns::ipc)) argv.push_back("--ipc");
  if (ns.Has(Ns::net)) argv.push_back("--net");
  if (ns.Has(Ns::pid)) {
    argv.push_back("--pid");
    argv.push_back("--kill-child");  // implies --fork
    // As the launcher does: a procfs of the new PID namespace where there is
    // a mount namespace to hold it.
    if (ns.Has(Ns::mnt)) argv.push_back("--mount-proc");
  }
  if (ns.Has(Ns::user)) {
    argv.push_back("--user");
    if (cell.userns_map == UsernsMap::root) {
      argv.push_back("--map-root-user");
    } else {
      // A range goes through newuidmap/newgidmap (package uidmap) and the
      // caller's /etc/subuid and /etc/subgid; 2.38 wants outer,inner,count.
      argv.push_back("--map-users=100000,0,65536");
      argv.push_back("--map-groups=100000,0,65536");
      argv.push_back("--setuid=0");
      argv.push_back("--setgid=0");
    }
  }
  if (ns.Has(Ns::cgroup)) argv.push_back("--cgroup");
  if (ns.Has(Ns::time)) {
    argv.push_back("--time");
    if (cell.time_offset_seconds != 0) {
      argv.push_back("--monotonic=" + std::to_string(cell.time_offset_seconds));
      argv.push_back("--boottime=" + std::to_string(cell.time_offset_seconds));
    }
  }
  argv.push_back("--");
  argv.push_back(cell.probe_program);
  argv.insert(argv.end(), cell.probe_args.begin(), cell.probe_args.end());
  RuntimeCommand command;
  command.argv = std::move(argv);
  return command;
}

}  // namespace nsm
