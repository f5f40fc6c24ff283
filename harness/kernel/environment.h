// What, besides the kernel config, decides whether a namespace can be created
// and used here: the sysctls that limit or forbid them, the active security
// modules, a seccomp filter on this process, and this process's privilege.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/namespaces.h"

namespace nsm {

// "user.max_net_namespaces": the per-user-namespace limit sysctl for a type.
std::string MaxSysctlName(Ns ns);

struct KernelEnvironment {
  // user.max_<type>_namespaces as this process's user namespace sees it
  // (each user namespace has its own; every ancestor's limit also applies).
  std::array<std::optional<long long>, kNsCount> max_namespaces{};
  // Present only on kernels that carry the patch or feature; nullopt = absent.
  std::optional<long long> unprivileged_userns_clone;  // kernel.unprivileged_userns_clone
  std::optional<long long>
      apparmor_restrict_userns;  // kernel.apparmor_restrict_unprivileged_userns
  std::optional<long long>
      apparmor_restrict_unconfined;      // kernel.apparmor_restrict_unprivileged_unconfined
  std::vector<std::string> lsms;         // active security modules, in order
  std::string lsm_source;                // where `lsms` came from
  std::optional<bool> apparmor_enabled;  // /sys/module/apparmor/parameters/enabled
  int seccomp_mode = 0;                  // "Seccomp:" of /proc/self/status (2 = filter)
  bool initial_userns = false;           // this process is in the machine's user namespace
  bool cap_sys_admin = false;            // effective CAP_SYS_ADMIN in its user namespace
  bool euid_root = false;
};

// `proc` and `sys` are the procfs and sysfs roots (tests point them at fakes).
// `config_lsm`: CONFIG_LSM, the last resort for the LSM list.
KernelEnvironment ReadKernelEnvironment(const std::string& proc = "/proc",
                                        const std::string& sys = "/sys",
                                        const std::optional<std::string>& config_lsm = {});

// Reads /sys/kernel/security/lsm; where securityfs is not mounted, mounts it in
// a throwaway child's private mount namespace (root only). nullopt if neither works.
std::optional<std::string> ReadActiveLsms(const std::string& sys);

}  // namespace nsm
