#include "harness/runtime/runc_adapter.h"

#include "harness/runtime/oci_config.h"

namespace nsm {

// runc 1.1 as root. It cannot leave cgroups alone: it makes the container a
// cgroup of its own, named by a relative cgroupsPath, with a devices
// controller that is told to allow every device. Seen from the host sandbox's
// cgroup namespace, "relative" is the top of every hierarchy: the cgroups are
// made there, outside the cell's, and removed after the cell if runc left
// them (runtime_cgroups.h). A time namespace it does not know: it says so.
std::variant<RuntimeCommand, Refusal> RuncAdapter::Command(const RuntimeCell& cell,
                                                           const std::string& runtime_path) const {
  if (auto refusal = RefuseWithoutMountNamespace(cell, "runc")) return *refusal;
  return OciCommand(cell, runtime_path, {},
                    OciOptions{.allow_all_devices = true, .cgroup_named_by_id = true});
}

}  // namespace nsm
