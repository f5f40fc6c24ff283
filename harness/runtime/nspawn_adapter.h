// systemd-nspawn (systemd 252): its own command line, a directory as the
// container's root, and the probe's descriptors passed on by socket activation.
#pragma once

#include "harness/runtime/runtime.h"

namespace nsm {

class NspawnAdapter final : public RuntimeAdapter {
 public:
  RuntimeKind Kind() const override { return RuntimeKind::nspawn; }
  std::string_view Program() const override { return "systemd-nspawn"; }
  std::string_view Package() const override { return "systemd-container"; }
  std::optional<Propagation> FixedPropagation() const override;
  SandboxNeeds Needs() const override {
    return {.bundle_workspace = true, .private_run = true, .own_mount_namespace = true};
  }
  bool MountsOwnSysfs() const override { return true; }
  bool KeepsTheRootsProc() const override { return false; }  // its root has no /proc
  std::optional<std::string> NotInAUserNamespace() const override {
    return "systemd-nspawn has not been tried outside the machine's initial user namespace";
  }
  std::variant<RuntimeCommand, Refusal> Command(const RuntimeCell& cell,
                                                const std::string& runtime_path) const override;
  std::optional<std::string> OwnMessage(std::string_view stderr_text) const override;
  bool IsRefusal(std::string_view own_message, NsSet asked) const override;
};

}  // namespace nsm
