#include "harness/kernel/diagnosis.h"

#include <algorithm>

namespace nsm {
namespace {

bool Has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string TypeName(Ns ns) {
  return std::string(InfoOf(ns).name);
}

Diagnosis ConfigGate(Ns ns, const KernelConfig* config) {
  std::string option = ConfigOption(ns);
  std::string remedy = "use a kernel built with " + option + "=y (and CONFIG_NAMESPACES=y)";
  if (!config) {
    return {"config",
            "EINVAL from unshare means this kernel has no " + TypeName(ns) +
                " namespaces; no kernel config was found to confirm that " + option + " is off",
            remedy};
  }
  if (!config->Enabled(option) || !config->Enabled("CONFIG_NAMESPACES")) {
    std::string value = config->Value(option).value_or("absent");
    return {"config",
            "the kernel is built without " + option + " (" + value + " in " + config->source + ")",
            remedy};
  }
  return {"unknown",
          "EINVAL although " + option + "=y in " + config->source +
              " (a multithreaded caller, or a kernel older than the feature?)",
          "check dmesg and the kernel version"};
}

Diagnosis LimitGate(Ns ns, const KernelEnvironment& env) {
  std::string sysctl = MaxSysctlName(ns);
  const std::optional<long long>& max = env.max_namespaces[static_cast<int>(ns)];
  std::string remedy = "raise it with sysctl -w " + sysctl +
                       "=N in the user namespace where it was lowered (every ancestor user "
                       "namespace's limit applies too)";
  if (max && *max == 0) {
    return {"limit",
            sysctl + " is 0 in this user namespace: no " + TypeName(ns) +
                " namespace may be created here",
            remedy};
  }
  std::string value = max ? std::to_string(*max) : "unreadable";
  std::string cause = "ENOSPC: the " + sysctl + " limit was reached in this or an ancestor user " +
                      "namespace (here it is " + value + ")";
  if (ns == Ns::pid) cause += ", or PID namespaces are nested 32 deep";
  return {"limit", cause, remedy};
}

Diagnosis NestingGate() {
  return {"limit", "EUSERS: user namespaces are nested 32 deep, the kernel's maximum",
          "run nsmatrix fewer user namespaces down"};
}

std::optional<Diagnosis> SeccompGate(const KernelEnvironment& env) {
  if (env.seccomp_mode == 0) return std::nullopt;
  return Diagnosis{
      "seccomp",
      "this process runs under a seccomp filter (Seccomp: " + std::to_string(env.seccomp_mode) +
          " in /proc/self/status), as container runtimes' default profiles "
          "install; it may refuse unshare, clone or mount",
      "run nsmatrix outside the container, or with a seccomp profile that allows "
      "unshare, clone3, setns and mount (docker run --security-opt "
      "seccomp=unconfined)"};
}

bool AppArmorRestricts(const KernelEnvironment& env) {
  return env.apparmor_restrict_userns.value_or(0) != 0 &&
         (Has(env.lsms, "apparmor") || env.apparmor_enabled.value_or(false));
}

Diagnosis AppArmorGate() {
  return {"apparmor",
          "AppArmor restricts unprivileged user namespaces "
          "(kernel.apparmor_restrict_unprivileged_userns = 1): creating one succeeds, but an "
          "unconfined process gets no capabilities in it",
          "give the program an AppArmor profile that allows 'userns,' (as Ubuntu does for "
          "browsers), or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"};
}

Diagnosis PermissionGate(const LiveCheck& check, const KernelEnvironment& env) {
  bool unprivileged = check.as == Privilege::unprivileged;
  if (unprivileged && check.creation_failed && check.creating == Ns::user &&
      env.unprivileged_userns_clone.value_or(1) == 0) {
    return {"userns-sysctl",
            "kernel.unprivileged_userns_clone = 0 (Debian's switch) forbids user namespaces to "
            "unprivileged users",
            "sysctl -w kernel.unprivileged_userns_clone=1, or run as root"};
  }
  if (unprivileged && AppArmorRestricts(env)) return AppArmorGate();
  if (std::optional<Diagnosis> seccomp = SeccompGate(env)) return *seccomp;
  if (!unprivileged && !env.cap_sys_admin) {
    return {"privilege", "this process has no CAP_SYS_ADMIN in its user namespace",
            "run nsmatrix as root (or as root inside a user namespace it owns)"};
  }
  if (!unprivileged && !env.initial_userns && check.step.find("map") != std::string::npos) {
    return {"privilege",
            "inside a user namespace only the ids mapped into it can be mapped further",
            "map more ids into the outer user namespace, or use --userns-map root"};
  }
  return {"unknown",
          check.step + " failed with " + ErrnoName(check.err) +
              " and no known gate explains it: another security module (SELinux, Landlock, "
              "a BPF LSM) or a chroot may",
          "check the audit log (dmesg, journalctl -k) for a denial"};
}

}  // namespace

std::string ConfigOption(Ns ns) {
  switch (ns) {
    case Ns::mnt:
      return "CONFIG_NAMESPACES";
    case Ns::cgroup:
      return "CONFIG_CGROUPS";
    default:
      break;
  }
  std::string name(InfoOf(ns).name);
  for (char& c : name) c = static_cast<char>(toupper(c));
  return "CONFIG_" + name + "_NS";
}

std::optional<Diagnosis> Diagnose(const LiveCheck& check, const KernelConfig* config,
                                  const KernelEnvironment& env) {
  if (check.status == NsStatus::usable || check.status == NsStatus::not_checked)
    return std::nullopt;
  if (check.creation_failed) {
    if (check.err == EINVAL) return ConfigGate(check.creating, config);
    if (check.err == ENOSPC) return LimitGate(check.creating, env);
    if (check.err == EUSERS) return NestingGate();
  }
  if (check.err == EPERM || check.err == EACCES) return PermissionGate(check, env);
  if (std::optional<Diagnosis> seccomp = SeccompGate(env)) return *seccomp;
  return Diagnosis{"unknown", check.step + " failed with " + ErrnoName(check.err),
                   "check dmesg and the kernel config"};
}

}  // namespace nsm
