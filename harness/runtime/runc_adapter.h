// runc (OCI): a bundle per cell in the host sandbox's runtime workspace, the
// probe as process.args with its descriptors passed by --preserve-fds.
#pragma once

#include "harness/runtime/oci_config.h"
#include "harness/runtime/runtime.h"

namespace nsm {

class RuncAdapter final : public RuntimeAdapter {
 public:
  RuntimeKind Kind() const override { return RuntimeKind::runc; }
  std::string_view Program() const override { return "runc"; }
  std::string_view Package() const override { return "runc"; }
  SandboxNeeds Needs() const override { return {.bundle_workspace = true}; }
  std::variant<RuntimeCommand, Refusal> Command(const RuntimeCell& cell,
                                                const std::string& runtime_path) const override;
  std::optional<std::string> CannotGive(Propagation propagation) const override;
  std::optional<std::string> OwnMessage(std::string_view stderr_text) const override;
  bool IsRefusal(std::string_view own_message) const override { return OciIsRefusal(own_message); }
};

}  // namespace nsm
