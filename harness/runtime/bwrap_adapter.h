// bubblewrap (bwrap): the host's root bound read-write at /, a new mount
// namespace always, a new procfs where there is a new PID namespace.
#pragma once

#include "harness/runtime/runtime.h"

namespace nsm {

class BwrapAdapter final : public RuntimeAdapter {
 public:
  RuntimeKind Kind() const override { return RuntimeKind::bwrap; }
  std::string_view Program() const override { return "bwrap"; }
  std::string_view Package() const override { return "bubblewrap"; }
  std::optional<Propagation> FixedPropagation() const override { return Propagation::kSlave; }
  std::optional<std::string> CannotMap(UsernsMap map) const override;
  std::variant<RuntimeCommand, Refusal> Command(const RuntimeCell& cell,
                                                const std::string& runtime_path) const override;
};

}  // namespace nsm
