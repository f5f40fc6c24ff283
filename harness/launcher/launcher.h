// Launches one container: clone3 with the requested namespaces, id maps from
// the parent, the child-side steps, then the probe program. Parent and child
// synchronise over pipes, never by sleeping.
#pragma once

#include <string>
#include <vector>

#include "harness/common/child_process.h"
#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/launcher/child_steps.h"
#include "harness/launcher/id_map.h"

namespace nsm {

struct LaunchSpec {
  NsSet namespaces;
  IdMapPlan id_maps;              // used when namespaces has user
  ChildPlanOptions child;         // e.g. the CLONE_NEWTIME fallback
  int probe_exe_fd = -1;          // O_PATH descriptor of the probe program
  std::vector<std::string> argv;  // argv[0] first
};

struct Container {
  ChildProcess process;
  UniqueFd results;  // read end of the probe's result descriptor
};

// On success the probe program is running (exec succeeded). On failure nothing
// is left running and the Error names the step, e.g.
// "mount proc on /proc: EPERM".
Result<Container> Launch(const LaunchSpec& spec);

}  // namespace nsm
