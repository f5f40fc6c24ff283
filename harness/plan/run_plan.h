// The plan of a run, as the runner takes it (BuildPlan in plan.h makes one).
// Header only: the runner and the document use it without linking the plan
// layer's library, which links them.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/run_options.h"
#include "harness/rules/catalogue.h"
#include "harness/rules/expectation_override.h"
#include "harness/runtime/runtime.h"

namespace nsm {

struct RunPlan {
  std::vector<NsSet> combinations;
  std::vector<const ProbeSpec*> probes;  // in run order
  UsernsMap userns_map = UsernsMap::unprivileged;
  int jobs = 1;
  std::chrono::milliseconds timeout{10000};
  std::string probe_path;  // nsprobe
  std::string worker_exe;  // nsm-sandbox, the host sandbox's worker
  // Time namespaces via unshare + offsets in the launcher (true), or clone3(CLONE_NEWTIME)
  // with zero offsets where the kernel takes it (false).
  bool time_via_unshare = true;
  Propagation propagation = Propagation::kPrivate;
  std::string rootfs;                          // absolute path; empty: the host's root
  std::vector<ExpectationOverride> overrides;  // a scenario's, applied over the catalogue's rules
  // Per namespace type, why the kernel will not create (or let us use) one
  // here, from `nsmatrix kernel`'s live check as root; empty when it will.
  // Combinations with such a type come out unsupported with this as the cause;
  // a host sandbox without one runs none of the probes that need it.
  std::array<std::string, kNsCount> unavailable;
  // Runs in the machine's initial user namespace (mode root), not as root
  // inside one (userns-root): the rules' `initial_userns`.
  bool initial_userns = true;
  struct {
    std::string name, description, path;
  } scenario;  // empty name: no scenario
  // Who makes the containers: the native launcher, or a container runtime.
  RuntimeInfo runtime;
  // Probes of the selection a runtime cannot run ({id, why}); not in `probes`.
  std::vector<std::pair<std::string, std::string>> runtime_left_out;
};

}  // namespace nsm
