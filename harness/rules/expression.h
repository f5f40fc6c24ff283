// Rule expressions: when is a probe expected to be isolated?
//
//   pid & mnt
//   pid | (user & !map_root)
//
// Identifiers are namespace names (true when that namespace is new) and the
// options `map_root` (container root mapped to the caller), `propagation_shared`
// (container mount namespaces keep shared propagation: --propagation shared or
// unchanged), `propagation_private` (--propagation private: they receive no
// mount from the host either), `time_offsets` (new time namespaces get
// offsets), `initial_userns` (nsmatrix, and so the host sandbox, runs in the
// machine's initial user namespace, not as root inside one), `host_root`
// (containers run in the host's root filesystem, --rootfs host),
// `runtime_sysfs` (the runtime mounts a procfs, a sysfs and cgroup hierarchies
// of its own in every container, in a root that has none of the host's, as
// systemd-nspawn does here) and `proc_kept` (the runtime mounts the
// container's procfs over the /proc of the root it is given, the host's, and
// leaves that under it: unshare(1), bubblewrap, runc and crun here; nsmatrix's
// launcher replaces it where the kernel lets it). Operators,
// lowest precedence first: |, &, !; parentheses group.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"

namespace nsm {

struct RuleContext {
  NsSet namespaces;
  bool map_root = false;
  bool propagation_shared = false;
  bool time_offsets = true;
  bool initial_userns = true;
  bool host_root = true;
  bool propagation_private = true;
  bool runtime_sysfs = false;
  bool proc_kept = false;
};

class RuleExpression {
 public:
  static Result<RuleExpression> Parse(std::string_view text);
  bool Evaluate(const RuleContext& ctx) const;
  const std::string& Text() const { return text_; }

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace nsm
