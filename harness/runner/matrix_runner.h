// Runs a plan (combinations x probes) across parallel host sandboxes and
// collects one judged cell per combination and probe.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/result.h"
#include "harness/launcher/id_map.h"
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

struct CellResult {
  NsSet namespaces;
  std::string probe;
  Outcome outcome = Outcome::error;
  Outcome expected = Outcome::isolated;
  Verdict verdict = Verdict::fail;
  std::string detail;
  const ExpectationOverride* override_used = nullptr;  // points into the plan
};

struct MatrixResult {
  std::vector<CellResult> cells;  // combination order, then probe order
  double seconds = 0;
  bool time_via_unshare = true;
  std::string cgroup_unavailable;  // why containers got no cgroup of their own; empty when they did
  // Combinations where no cell is `refused` (under a runtime: the ones it made).
  size_t accepted_combinations = 0;
};

using ProgressFn = std::function<void(size_t done, size_t total)>;
// A combination's judged cells (in probe order), as soon as it is done: in the
// order combinations finish, not the plan's.
using CombinationFn = std::function<void(NsSet combination, std::span<const CellResult> cells)>;

// `cancel_fd`: a descriptor that becomes readable to stop the run (a signalfd
// for SIGINT/SIGTERM), or -1. A cancelled run returns an Error with EINTR and
// leaves nothing running. Either callback may be empty.
Result<MatrixResult> RunMatrix(const RunPlan& plan, const ProgressFn& progress,
                               const CombinationFn& on_combination, int cancel_fd);

}  // namespace nsm
