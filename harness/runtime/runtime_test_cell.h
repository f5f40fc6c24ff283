// The cell the adapters' unit tests give a runtime: a combination with the
// probe's usual arguments and a workspace's paths, as the runner fills them in.
#pragma once

#include "harness/runtime/runtime.h"

namespace nsm {

inline RuntimeCell TestCell(const char* combination, UsernsMap map = UsernsMap::root) {
  RuntimeCell cell;
  cell.namespaces = *NsSet::Parse(combination);
  cell.userns_map = map;
  cell.probe_program = "/proc/self/fd/4";
  cell.probe_args = {"--hostname=h", "ns.uts"};
  cell.rootfs = "/tmp/.nsm-runtime/rootfs";
  cell.bundle_dir = "/tmp/.nsm-runtime/bundles/nsm-abc-7";
  cell.state_dir = "/tmp/.nsm-runtime/state";
  cell.container_id = "nsm-abc-7";
  cell.capabilities = {"CAP_CHOWN", "CAP_SYS_ADMIN"};
  return cell;
}

}  // namespace nsm
