// The gate for kernels: compares two kernel reports (`nsmatrix kernel --json`,
// or the "kernel" sections of two matrices) and flags namespaces lost or
// restricted as regressions.
//
// Differences are GateDifferences with combination "kernel" and probe
//   kernel.<type>.<root|unprivileged>   the live check's status
//   kernel.config.<OPTION>              a per-type config option
// so allow lists match them with combination = "*" and probe = "kernel." (or
// a longer prefix). Kinds:
//   regressions   kernel-missing        the current matrix has no kernel section
//                 namespace-lost        usable or restricted -> unavailable
//                 namespace-restricted  usable -> restricted
//                 namespace-missing     a type in the baseline, absent from the current report
//                 check-failed          a check that ran became not-checked because it
//                                       broke (killed, timed out), which can hide a loss
//                 baseline-check-failed a check that broke in the baseline, and is
//                                       restricted or unavailable now: the baseline
//                                       cannot vouch that it was not usable then
//                 config-lost           y/m -> n or absent
//                 not-compared          (probe kernel.<type>) checked in the baseline, and
//                                       in the current report on neither side the
//                                       baseline checked: nothing says it is kept
//   improvements  namespace-gained, config-gained (the reverse)
// A check skipped on one side on purpose or because of who ran it ("skipped":
// true: not root, uid 65534 not mapped) is a context difference (while the
// other side was compared): a run as a
// different user says nothing about the kernel. So is a config found on one
// side only, and so is every other difference between the sections: kernel
// release, mode, config options that are no type's ("kernel.config.CONFIG_VETH:
// y -> n"), sysctls ("kernel.sysctl.user.max_net_namespaces: 0 -> 1024"),
// security modules, seccomp mode and AppArmor. Duplicate types are an error.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/common/result.h"
#include "harness/gate/allow_list.h"
#include "harness/gate/gate.h"

namespace nsm {

// Adds the differences to `result`. `current` null: the current matrix has no
// kernel section, a regression (kernel-missing). An error (exit-2 material) when either
// section has no "namespaces" array of objects with a string "type".
Status CompareKernelSections(const nlohmann::json& baseline, const nlohmann::json& current,
                             const AllowList& allow, GateResult& result);

}  // namespace nsm
