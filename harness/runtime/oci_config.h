// What runc and crun are given: an OCI bundle whose config.json asks for the
// cell's namespaces and nothing of a runtime's usual defaults (no masked or
// read-only paths, no seccomp, no new /sys; a procfs only where the native
// launcher mounts one), so that a container can be compared flag for flag with
// the native launcher's. Its root is the host sandbox's / seen through the
// sandbox's runtime workspace; its /dev is the workspace's throwaway tmpfs,
// where the runtime makes its device nodes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/runtime/runtime.h"

namespace nsm {

struct OciOptions {
  // runc always applies a devices cgroup; allowing every device keeps the
  // container's access what the native launcher's is.
  bool allow_all_devices = false;
  // runc cannot leave cgroups alone: it makes one for every container. A
  // relative cgroupsPath, the container id, names it; the command's
  // cgroup_name says so, for the clean-up after a runtime killed mid-way.
  bool cgroup_named_by_id = false;
};

// crun's own key for time namespace offsets (the text of timens_offsets).
inline constexpr std::string_view kCrunTimensAnnotation = "run.oci.timens_offset";

// config.json for the cell (its rootfs, namespaces, id maps, time offsets,
// propagation and the probe as process.args).
std::string OciConfigJson(const RuntimeCell& cell, const OciOptions& options);

// runc and crun both refuse nothing without a mount namespace: they work in
// the caller's, making its / a slave mount and binding the root filesystem
// onto itself there. That would change the host sandbox for every later
// container, so nsmatrix does not run such a cell. The refusal, or nullopt.
std::optional<Refusal> RefuseWithoutMountNamespace(const RuntimeCell& cell,
                                                   std::string_view runtime);

// `RUNTIME --root STATE --log-format json [global...] run --bundle B
// --preserve-fds 2 --no-new-keyring ID`, the bundle's config.json, and the
// `delete --force` that follows.
RuntimeCommand OciCommand(const RuntimeCell& cell, const std::string& runtime_path,
                          const std::vector<std::string>& global_options,
                          const OciOptions& options);

// An OCI bundle cannot say "leave the root's propagation as it is": without
// rootfsPropagation runc and crun make it rslave. Why, for kUnchanged.
std::optional<std::string> OciCannotGive(Propagation propagation);

// runc and crun log JSON lines ({"level":"error","msg":...}); the first
// error's message, or nullopt when no line is one.
std::optional<std::string> OciErrorMessage(std::string_view stderr_text);

// The refusals seen from runc and crun: a namespace type the runtime does not
// know (runc 1.1: `namespace {"time" ""} does not exist`), the kernel refusing
// to make a namespace (unshare or clone failing with EPERM, ENOSPC or EINVAL),
// and crun unable to write time offsets from inside a user namespace.
// Anything else (an invalid bundle, a missing root, a failed mount) is not.
bool OciIsRefusal(std::string_view message);

// The capabilities in this process's bounding set, as OCI names them
// (CAP_CHOWN...): what root's container gets from the native launcher. Names
// libcap does not know are left out.
std::vector<std::string> BoundingCapabilityNames();

// What runc and crun share as adapters: their voice (a JSON error log), their
// refusals, and what an OCI bundle cannot say about propagation.
class OciAdapter : public RuntimeAdapter {
 public:
  std::optional<std::string> CannotGive(Propagation propagation) const override {
    return OciCannotGive(propagation);
  }
  std::optional<std::string> OwnMessage(std::string_view stderr_text) const override {
    return OciErrorMessage(stderr_text);
  }
  bool IsRefusal(std::string_view own_message, NsSet /*asked*/) const override {
    return OciIsRefusal(own_message);
  }
};

}  // namespace nsm
