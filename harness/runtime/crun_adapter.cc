#include "harness/runtime/crun_adapter.h"

#include "harness/runtime/oci_config.h"

namespace nsm {

// crun 1.8 as root. The container stays in the cell's cgroup: crun is told
// not to manage cgroups (and the host sandbox lists no cgroup v2 controllers,
// without which crun refuses a hybrid host outright).
std::variant<RuntimeCommand, Refusal> CrunAdapter::Command(const RuntimeCell& cell,
                                                           const std::string& runtime_path) const {
  if (auto refusal = RefuseWithoutMountNamespace(cell, "crun")) return *refusal;
  const NsSet ns = cell.namespaces;
  if (ns.Has(Ns::pid) && ns.Has(Ns::time) && !ns.Has(Ns::user)) {
    // Seen with crun 1.8.1: its container process fails ("write to sync
    // socket") after crun has sent SIGKILL to PID 2 of the PID namespace crun
    // was started in, which in the host sandbox is one of the fixtures.
    return Refusal{
        "not run by nsmatrix: crun with a PID and a time namespace but no user namespace "
        "kills PID 2 of the namespace it was started in (crun 1.8.1), a host process"};
  }
  return OciCommand(cell, runtime_path, {"--cgroup-manager=disabled"}, OciOptions{});
}

// Seen with crun 1.8.1: asked for rootfsPropagation "rshared", it makes the
// container's root shared in a peer group of its own (mountinfo shows a new
// shared:N), not a peer of the host's, so a mount made inside never reaches
// the host; runc's does. The rules' shared propagation is the latter.
std::optional<std::string> CrunAdapter::CannotGive(Propagation propagation) const {
  if (propagation == Propagation::kShared) {
    return "crun makes a shared root a peer group of its own, so the container's mounts never "
           "reach the host as shared propagation means (crun 1.8.1; use private or slave)";
  }
  return OciAdapter::CannotGive(propagation);
}

}  // namespace nsm
