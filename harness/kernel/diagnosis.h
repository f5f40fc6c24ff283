// Why a namespace could not be created or used: names the gate responsible
// (the kernel config, a max_* limit, Debian's sysctl, AppArmor, a seccomp
// filter, missing privilege) and what a user can do about it.
//
// A pure function of the live check and the facts read beforehand, so every
// branch is unit-tested without the kernel that would produce it.
#pragma once

#include <optional>
#include <string>

#include "harness/kernel/environment.h"
#include "harness/kernel/kernel_config.h"
#include "harness/kernel/live_check.h"

namespace nsm {

struct Diagnosis {
  // config | limit | userns-sysctl | apparmor | seccomp | privilege | unknown
  std::string gate;
  std::string cause;   // one sentence, with the values read
  std::string remedy;  // what to do about it
};

// CONFIG_NET_NS and friends; CONFIG_CGROUPS for the cgroup namespace (it has
// no option of its own).
std::string ConfigOption(Ns ns);

// nullopt for a usable namespace or a check that did not run.
std::optional<Diagnosis> Diagnose(const LiveCheck& check, const KernelConfig* config,
                                  const KernelEnvironment& env);

}  // namespace nsm
