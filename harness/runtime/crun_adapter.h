// crun (OCI): as runc, with cgroups left alone (--cgroup-manager=disabled).
#pragma once

#include "harness/runtime/oci_config.h"

namespace nsm {

class CrunAdapter final : public OciAdapter {
 public:
  RuntimeKind Kind() const override { return RuntimeKind::crun; }
  std::string_view Program() const override { return "crun"; }
  std::string_view Package() const override { return "crun"; }
  SandboxNeeds Needs() const override {
    return {.bundle_workspace = true, .empty_cgroup2_controllers = true};
  }
  std::variant<RuntimeCommand, Refusal> Command(const RuntimeCell& cell,
                                                const std::string& runtime_path) const override;
  std::optional<std::string> CannotGive(Propagation propagation) const override;
};

}  // namespace nsm
