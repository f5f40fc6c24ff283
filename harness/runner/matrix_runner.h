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
#include "harness/plan/run_plan.h"
#include "harness/rules/catalogue.h"
#include "harness/rules/expectation_override.h"
#include "harness/runtime/runtime.h"

namespace nsm {

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

// How long and how often the runner bears with a failing sandbox.
struct RunnerLimits {
  // Beyond the plan's per-combination timeout (kill grace, judging), before
  // the whole sandbox counts as hung; also the time it has to say it is ready.
  std::chrono::milliseconds worker_slack{10000};
  // Sandboxes started in place of failed ones, with no combination answered
  // in between, before the run gives up.
  int max_restarts = 4;
};

class SandboxStarter;  // sandbox_starter.h
// RunMatrix with the sandboxes from `starter` (tests give a fake one).
Result<MatrixResult> RunMatrixWith(const RunPlan& plan, SandboxStarter& starter,
                                   const RunnerLimits& limits, const ProgressFn& progress,
                                   const CombinationFn& on_combination, int cancel_fd);

}  // namespace nsm
