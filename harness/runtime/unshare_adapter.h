// unshare(1) from util-linux: every namespace type, the propagation modes and
// time offsets through its own flags, the result descriptor inherited.
#pragma once

#include "harness/runtime/runtime.h"

namespace nsm {

class UnshareAdapter final : public RuntimeAdapter {
 public:
  RuntimeKind Kind() const override { return RuntimeKind::unshare; }
  std::string_view Program() const override { return "unshare"; }
  std::string_view Package() const override { return "util-linux"; }
  std::variant<RuntimeCommand, Refusal> Command(const RuntimeCell& cell,
                                                const std::string& runtime_path) const override;
};

}  // namespace nsm
