// What one sandbox worker needs of the run's plan, and its one encoding. The
// runner sends it once, as the first record on the worker's channel:
//   config index=0 probe-exe=/usr/libexec/nsmatrix/nsprobe probes=ns.mnt,ns.uts ...
// The worker refuses a record with a key it does not know, without a key it
// needs, or with a value that is not one of its kind, naming which.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/protocol.h"
#include "harness/common/result.h"
#include "harness/common/run_options.h"

namespace nsm {

struct WorkerConfig {
  int index = 0;
  std::string probe_path;           // nsprobe, as the runner was given it
  std::vector<std::string> probes;  // ids, in run order
  UsernsMap userns_map = UsernsMap::unprivileged;
  std::chrono::milliseconds timeout{10000};
  bool time_via_unshare = true;
  Propagation propagation = Propagation::kPrivate;
  std::string rootfs;              // empty: the host's root
  std::string cgroup_cell;         // the cgroup (v2 directory) containers start in
  std::string cgroup_unavailable;  // why there is none (when cgroup_cell is empty)
  NsSet sandbox_without;           // namespaces the sandbox shares with the caller
  RuntimeKind runtime = RuntimeKind::native;
  std::string runtime_path;  // the runtime's program (absolute), unless native
  // What the ids of the run's runtime containers, and so the cgroups runc
  // names after them at the top of the machine's hierarchies, start with
  // (RuntimeCgroupPrefix: "nsm-<runner pid>-<pid namespace>-"), so that whatever a killed
  // run leaves there is found by its pid; empty: "nsm-".
  std::string container_prefix;

  bool operator==(const WorkerConfig&) const = default;
};

inline constexpr std::string_view kWorkerConfigKind = "config";

protocol::Record EncodeWorkerConfig(const WorkerConfig& config);
// EPROTO, with the key and what was wrong, for anything EncodeWorkerConfig
// would not have written.
Result<WorkerConfig> DecodeWorkerConfig(const protocol::Record& record);

}  // namespace nsm
