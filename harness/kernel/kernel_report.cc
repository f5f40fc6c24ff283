#include "harness/kernel/kernel_report.h"

#include <sys/utsname.h>

#include <vector>

#include "harness/document/host_info.h"

namespace nsm {
namespace {

struct RelatedOption {
  const char* option;
  const char* why;
};

// Besides the per-type options: what a container needs from the kernel.
constexpr RelatedOption kRelatedOptions[] = {
    {"CONFIG_NAMESPACES", "namespaces at all (mount namespaces need nothing more)"},
    {"CONFIG_UTS_NS", "UTS namespaces"},
    {"CONFIG_IPC_NS", "IPC namespaces"},
    {"CONFIG_USER_NS", "user namespaces"},
    {"CONFIG_PID_NS", "PID namespaces"},
    {"CONFIG_NET_NS", "network namespaces"},
    {"CONFIG_TIME_NS", "time namespaces (Linux 5.6+)"},
    {"CONFIG_CGROUPS", "cgroups, and with them cgroup namespaces"},
    {"CONFIG_SYSVIPC", "SysV IPC objects (what an IPC namespace isolates)"},
    {"CONFIG_POSIX_MQUEUE", "POSIX message queues"},
    {"CONFIG_VETH", "veth pairs, to connect a network namespace"},
    {"CONFIG_BRIDGE", "a bridge for container networks"},
    {"CONFIG_SECCOMP", "seccomp"},
    {"CONFIG_SECCOMP_FILTER", "seccomp filters (runtimes' default profiles)"},
    {"CONFIG_CGROUP_PIDS", "the pids controller (fork-bomb limits)"},
    {"CONFIG_MEMCG", "the memory controller"},
    {"CONFIG_CGROUP_DEVICE", "the devices controller (cgroup v1)"},
    {"CONFIG_OVERLAY_FS", "overlayfs, for image layers"},
    {"CONFIG_KEYS", "keyrings (runc needs session keyrings)"},
    {"CONFIG_SECURITY_APPARMOR", "AppArmor"},
    {"CONFIG_SECURITY_SELINUX", "SELinux"},
};

nlohmann::json Optional(const std::optional<long long>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json FindingJson(const NamespaceFinding& finding) {
  const LiveCheck& check = finding.check;
  nlohmann::json out = {{"status", std::string(Name(check.status))}};
  if (check.status != NsStatus::usable) {
    out["step"] = check.step;
    out["errno"] = check.err ? ErrnoName(check.err) : "";
    out["detail"] = check.detail;
  }
  if (check.status == NsStatus::not_checked) out["skipped"] = check.skipped;
  if (finding.diagnosis) {
    out["gate"] = finding.diagnosis->gate;
    out["cause"] = finding.diagnosis->cause;
    out["remedy"] = finding.diagnosis->remedy;
  }
  return out;
}

}  // namespace

std::string KernelReport::RootProblem(Ns ns) const {
  const NamespaceFinding& finding = root[static_cast<int>(ns)];
  if (finding.check.status == NsStatus::usable) return {};
  std::string name(InfoOf(ns).name);
  std::string text = name + " namespaces cannot be " +
                     (finding.check.status == NsStatus::restricted ? "used" : "created") +
                     " here: " + finding.check.detail;
  if (finding.diagnosis) {
    text += ". Cause (" + finding.diagnosis->gate + "): " + finding.diagnosis->cause +
            ". Remedy: " + finding.diagnosis->remedy;
  }
  return text;
}

KernelReport CollectKernelReport(const KernelReportOptions& options) {
  KernelReport report;
  utsname name{};
  uname(&name);
  report.release = name.release;
  Result<KernelConfig> config = options.config
                                    ? Result<KernelConfig>(*options.config)
                                    : FindKernelConfig(options.config_path, report.release);
  if (config) {
    report.config = std::move(*config);
  } else {
    report.config_error = config.error().Message();
  }
  std::optional<std::string> config_lsm;
  if (report.config) config_lsm = report.config->Value("CONFIG_LSM");
  report.env = ReadKernelEnvironment("/proc", "/sys", config_lsm);
  const KernelConfig* cfg = report.config ? &*report.config : nullptr;
  // All live checks side by side (each in its own child).
  std::vector<CheckRequest> requests;
  for (const NsInfo& info : kNamespaces) requests.push_back({info.ns, Privilege::root});
  if (options.unprivileged) {
    for (const NsInfo& info : kNamespaces) requests.push_back({info.ns, Privilege::unprivileged});
  }
  std::vector<LiveCheck> checks = CheckNamespaces(requests);
  for (const NsInfo& info : kNamespaces) {
    int i = static_cast<int>(info.ns);
    report.root[i].check = std::move(checks[static_cast<size_t>(i)]);
    report.root[i].diagnosis = Diagnose(report.root[i].check, cfg, report.env);
    if (options.unprivileged) {
      report.unprivileged[i].check = std::move(checks[static_cast<size_t>(kNsCount + i)]);
    } else {
      report.unprivileged[i].check.ns = info.ns;
      report.unprivileged[i].check.as = Privilege::unprivileged;
      report.unprivileged[i].check.detail = "not asked for";
      report.unprivileged[i].check.skipped = true;
    }
    report.unprivileged[i].diagnosis = Diagnose(report.unprivileged[i].check, cfg, report.env);
  }
  if (options.nesting) {
    for (Ns ns : {Ns::user, Ns::pid}) report.nesting.push_back(MeasureNesting(ns));
  }
  return report;
}

nlohmann::json KernelReportToJson(const KernelReport& report) {
  nlohmann::json config = nlohmann::json::object();
  if (report.config) {
    config["source"] = report.config->source;
    nlohmann::json options = nlohmann::json::array();
    for (const RelatedOption& related : kRelatedOptions) {
      std::optional<std::string> value = report.config->Value(related.option);
      options.push_back({{"option", related.option},
                         {"value", value ? nlohmann::json(*value) : nlohmann::json(nullptr)},
                         {"why", related.why}});
    }
    config["options"] = options;
  } else {
    config["source"] = nullptr;
    config["error"] = report.config_error;
  }
  const KernelEnvironment& env = report.env;
  nlohmann::json sysctls = nlohmann::json::object();
  for (const NsInfo& info : kNamespaces)
    sysctls[MaxSysctlName(info.ns)] = Optional(env.max_namespaces[static_cast<int>(info.ns)]);
  sysctls["kernel.unprivileged_userns_clone"] = Optional(env.unprivileged_userns_clone);
  sysctls["kernel.apparmor_restrict_unprivileged_userns"] = Optional(env.apparmor_restrict_userns);
  sysctls["kernel.apparmor_restrict_unprivileged_unconfined"] =
      Optional(env.apparmor_restrict_unconfined);

  nlohmann::json namespaces = nlohmann::json::array();
  for (const NsInfo& info : kNamespaces) {
    int i = static_cast<int>(info.ns);
    std::string option = ConfigOption(info.ns);
    std::optional<std::string> value;
    if (report.config) value = report.config->Value(option);
    namespaces.push_back({{"type", info.name},
                          {"config_option", option},
                          {"config", value ? nlohmann::json(*value) : nlohmann::json(nullptr)},
                          {"max_sysctl", MaxSysctlName(info.ns)},
                          {"max", Optional(env.max_namespaces[i])},
                          {"root", FindingJson(report.root[i])},
                          {"unprivileged", FindingJson(report.unprivileged[i])}});
  }
  nlohmann::json out = {
      {"kernel_release", report.release},
      {"mode", DetectMode()},
      {"config", config},
      {"sysctls", sysctls},
      {"security_modules", {{"active", env.lsms}, {"source", env.lsm_source}}},
      {"apparmor_enabled",
       env.apparmor_enabled ? nlohmann::json(*env.apparmor_enabled) : nlohmann::json(nullptr)},
      {"seccomp_mode", env.seccomp_mode},
      {"namespaces", namespaces}};
  if (!report.nesting.empty()) {
    nlohmann::json nesting = nlohmann::json::array();
    for (const NestingDepth& depth : report.nesting) {
      nesting.push_back({{"type", std::string(InfoOf(depth.ns).name)},
                         {"start_level", depth.start_level ? nlohmann::json(*depth.start_level)
                                                           : nlohmann::json(nullptr)},
                         {"created", depth.created},
                         {"limit", NestingLimit(depth.ns)},
                         {"errno", depth.err ? ErrnoName(depth.err) : ""},
                         {"at_limit", depth.at_limit},
                         {"detail", depth.detail}});
    }
    out["nesting"] = nesting;
  }
  return out;
}

nlohmann::json KernelDocument(const KernelReport& report, const std::string& generated_at) {
  HostInfo host = CollectHostInfo();
  return {{"schema", kKernelSchemaId},
          {"tool", {{"name", "nsmatrix"}, {"version", NSM_VERSION}}},
          {"generated_at", generated_at},
          {"host",
           {{"kernel_release", host.kernel_release},
            {"kernel_version", host.kernel_version},
            {"architecture", host.architecture},
            {"cpus", host.cpus},
            {"mode", host.mode}}},
          {"kernel", KernelReportToJson(report)}};
}

}  // namespace nsm
