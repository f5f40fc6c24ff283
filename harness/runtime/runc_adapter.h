// runc (OCI): a bundle per cell in the host sandbox's runtime workspace, the
// probe as process.args with its descriptors passed by --preserve-fds.
#pragma once

#include "harness/runtime/oci_config.h"

namespace nsm {

class RuncAdapter final : public OciAdapter {
 public:
  RuntimeKind Kind() const override { return RuntimeKind::runc; }
  std::string_view Program() const override { return "runc"; }
  std::string_view Package() const override { return "runc"; }
  SandboxNeeds Needs() const override { return {.bundle_workspace = true}; }
  std::optional<std::string> NotInAUserNamespace() const override {
    return "runc makes each container's cgroups at the top of the machine's hierarchies, which "
           "only the machine's root may write";
  }
  std::variant<RuntimeCommand, Refusal> Command(const RuntimeCell& cell,
                                                const std::string& runtime_path) const override;
};

}  // namespace nsm
