// The gate for kernels: compares two kernel reports (`nsmatrix kernel --json`,
// or the "kernel" sections of two matrices) and flags namespaces lost or
// restricted as regressions.
//
// Differences are GateDifferences with combination "kernel" and probe
//   kernel.<type>.<root|unprivileged>   the live check's status
//   kernel.config.<OPTION>              a per-type config option
// so allow lists match them with combination = "*" and probe = "kernel." (or
// a longer prefix). Kinds:
//   regressions   namespace-lost        usable or restricted -> unavailable
//                 namespace-restricted  usable -> restricted
//                 config-lost           y/m -> n or absent
//   improvements  namespace-gained, config-gained (the reverse)
// A check that ran on one side only (not-checked on the other) is a context
// difference, never a regression: a run as a different user says nothing about
// the kernel.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/common/result.h"
#include "harness/gate/allow_list.h"
#include "harness/gate/gate.h"

namespace nsm {

// Adds the differences to `result`. An error (exit-2 material) when either
// section has no "namespaces" array of objects with a string "type".
Status CompareKernelSections(const nlohmann::json& baseline, const nlohmann::json& current,
                             const AllowList& allow, GateResult& result);

}  // namespace nsm
