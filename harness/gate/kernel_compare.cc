#include "harness/gate/kernel_compare.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reports/json_access.h"

namespace nsm {
namespace {

namespace ja = json_access;
using json = nlohmann::json;

int StatusRank(const std::string& status) {
  if (status == "usable") return 3;
  if (status == "restricted") return 2;
  if (status == "unavailable") return 1;
  return 0;  // not-checked or unknown
}

Result<std::map<std::string, const json*>> IndexByType(const json& kernel, const char* side) {
  const json* namespaces = ja::Find(kernel, "namespaces");
  if (!namespaces || !namespaces->is_array())
    return Fail(EINVAL, "compare kernels",
                std::string("the ") + side + " has no kernel \"namespaces\" array");
  std::map<std::string, const json*> out;
  for (const json& ns : *namespaces) {
    std::string type = ja::String(ns, "type");
    if (type.empty())
      return Fail(EINVAL, "compare kernels",
                  std::string("a namespace entry in the ") + side + " has no string \"type\"");
    if (!out.emplace(type, &ns).second)
      return Fail(EINVAL, "compare kernels",
                  std::string("namespace type ") + type + " twice in the " + side);
  }
  return out;
}

// Was a kernel config read for this section (its config.source is a path)?
// Then an option it does not list is not set, as Kconfig leaves out an option
// whose dependencies are off.
bool ConfigRead(const json& kernel) {
  const json* source = ja::Find(ja::Object(kernel, "config"), "source");
  return source && source->is_string();
}

// A type's config value as known: its own value, "absent" from a config that
// was read, or nothing when no config was.
std::optional<std::string> ConfigValue(const json& kernel, const json& ns) {
  if (const json* value = ja::Find(ns, "config"); value && value->is_string())
    return value->get<std::string>();
  if (ConfigRead(kernel)) return "absent";
  return std::nullopt;
}

bool ConfigOn(const json& ns) {
  std::string value = ja::String(ns, "config");
  return value == "y" || value == "m";
}

std::string Reason(const json& check) {
  std::string detail = ja::String(check, "detail");
  std::string cause = ja::String(check, "cause");
  if (!cause.empty())
    detail +=
        (detail.empty() ? "" : ". ") + ("Cause (" + ja::String(check, "gate") + "): " + cause);
  return detail;
}

void Add(GateResult& result, const AllowList& allow, GateDifference d, bool regression) {
  if (!regression) {
    result.improvements.push_back(std::move(d));
    return;
  }
  if (const AllowEntry* entry = FindAllowEntry(allow, d.combination, d.probe, d.after)) {
    d.reason = entry->reason;
    result.allowed.push_back(std::move(d));
    return;
  }
  result.regressions.push_back(std::move(d));
}

// Config options keyed by name, from config.options (options that are some type's
// config_option are compared per type, as regressions).
std::map<std::string, const json*> ConfigOptions(const json& kernel,
                                                 const std::set<std::string>& per_type) {
  std::map<std::string, const json*> out;
  for (const json& entry : ja::Array(ja::Object(kernel, "config"), "options")) {
    std::string option = ja::String(entry, "option");
    if (option.empty() || per_type.contains(option)) continue;
    const json* value = ja::Find(entry, "value");
    static const json kNull;
    out.emplace(option, value ? value : &kNull);
  }
  return out;
}

// What else differs in the kernel sections: release, mode, the config options that
// are no type's, sysctls, security modules, seccomp and AppArmor. Context only: the
// per-type checks above say what that did to the namespaces.
void KernelContext(const json& baseline, const json& current, std::vector<std::string>& out) {
  for (const char* key : {"kernel_release", "mode", "seccomp_mode", "apparmor_enabled"}) {
    AddContextDifference(std::string("kernel.") + key, ja::Find(baseline, key),
                         ja::Find(current, key), out);
  }
  AddContextDifference("kernel.security_modules",
                       ja::Find(ja::Object(baseline, "security_modules"), "active"),
                       ja::Find(ja::Object(current, "security_modules"), "active"), out);
  const json* old_source = ja::Find(ja::Object(baseline, "config"), "source");
  const json* new_source = ja::Find(ja::Object(current, "config"), "source");
  bool old_known = old_source && old_source->is_string();
  bool new_known = new_source && new_source->is_string();
  if (old_known && new_known) {
    std::set<std::string> per_type;
    for (const json* kernel : {&baseline, &current}) {
      for (const json& ns : ja::Array(*kernel, "namespaces")) {
        per_type.insert(ja::String(ns, "config_option"));
      }
    }
    std::map<std::string, const json*> before = ConfigOptions(baseline, per_type);
    std::map<std::string, const json*> after = ConfigOptions(current, per_type);
    std::set<std::string> options;
    for (const auto& [option, value] : before) options.insert(option);
    for (const auto& [option, value] : after) options.insert(option);
    for (const std::string& option : options) {
      auto b = before.find(option), a = after.find(option);
      AddContextDifference("kernel.config." + option, b == before.end() ? nullptr : b->second,
                           a == after.end() ? nullptr : a->second, out);
    }
  }
  const json& old_sysctls = ja::Object(baseline, "sysctls");
  const json& new_sysctls = ja::Object(current, "sysctls");
  std::set<std::string> names;
  for (const json* sysctls : {&old_sysctls, &new_sysctls}) {
    for (const auto& [name, value] : sysctls->items()) names.insert(name);
  }
  for (const std::string& name : names) {
    AddContextDifference("kernel.sysctl." + name, ja::Find(old_sysctls, name.c_str()),
                         ja::Find(new_sysctls, name.c_str()), out);
  }
}

}  // namespace

Status CompareKernelSections(const json& baseline, const json& current, const AllowList& allow,
                             GateResult& result) {
  Result<std::map<std::string, const json*>> before = IndexByType(baseline, "baseline");
  if (!before) return std::unexpected(before.error());
  if (current.is_null()) {
    // nsmatrix always writes one: a matrix without it cannot show a lost namespace.
    Add(result, allow,
        {"kernel", "kernel.", "kernel-missing", "present", "absent",
         "the current matrix has no kernel section", ""},
        true);
    return {};
  }
  Result<std::map<std::string, const json*>> after = IndexByType(current, "current report");
  if (!after) return std::unexpected(after.error());
  for (const auto& [type, old_ns] : *before) {
    auto found = after->find(type);
    if (found == after->end()) {
      Add(result, allow,
          {"kernel", "kernel." + type + ".root", "namespace-missing",
           ja::String(ja::Object(*old_ns, "root"), "status", "?"), "absent",
           "the current report has no " + type + " entry", ""},
          true);
      continue;
    }
    const json& new_ns = *found->second;
    // Whether the baseline checked this type at all, and whether the current
    // report checked it on a side the baseline did too.
    bool baseline_checked = false, compared = false;
    for (const char* as : {"root", "unprivileged"}) {
      std::string was = ja::String(ja::Object(*old_ns, as), "status", "?");
      std::string now = ja::String(ja::Object(new_ns, as), "status", "?");
      int was_rank = StatusRank(was), now_rank = StatusRank(now);
      baseline_checked |= was_rank > 0;
      compared |= was_rank > 0 && now_rank > 0;
      if (was == now) continue;
      std::string probe = "kernel." + type + "." + as;
      const json& new_check = ja::Object(new_ns, as);
      const json* skipped = ja::Find(new_check, "skipped");
      bool skipped_on_purpose = now == "not-checked" && skipped && *skipped == true;
      if (was_rank > 0 && now_rank == 0 && !skipped_on_purpose) {
        // A check that was killed or timed out can hide a lost namespace.
        Add(result, allow, {"kernel", probe, "check-failed", was, now, Reason(new_check), ""},
            true);
        compared = true;  // said once, as check-failed
        continue;
      }
      // A baseline whose check broke vouches for nothing: a type that is not
      // usable now may have been lost since, so that is a regression too.
      const json& old_check = ja::Object(*old_ns, as);
      const json* old_skipped = ja::Find(old_check, "skipped");
      bool baseline_broke = was == "not-checked" && !(old_skipped && *old_skipped == true);
      if (baseline_broke && now_rank > 0 && now != "usable") {
        Add(result, allow,
            {"kernel", probe, "baseline-check-failed", was, now,
             "the baseline's check broke (" + Reason(old_check) +
                 "), so nothing says it was not usable then: make a new baseline",
             ""},
            true);
        continue;
      }
      if (was_rank == 0 || now_rank == 0) {
        result.context_differences.push_back(probe + ": " + was + " -> " + now);
        continue;
      }
      bool worse = now_rank < was_rank;
      std::string kind = worse ? (now == "unavailable" ? "namespace-lost" : "namespace-restricted")
                               : "namespace-gained";
      Add(result, allow, {"kernel", probe, kind, was, now, Reason(ja::Object(new_ns, as)), ""},
          worse);
    }
    if (baseline_checked && !compared) {
      // Each side skipped on purpose where the baseline checked (a report
      // made by another user against one made as root with
      // --no-unprivileged): compared on neither, so nothing says it is kept.
      Add(result, allow,
          {"kernel", "kernel." + type, "not-compared", "checked", "not checked",
           "the current report checked " + type +
               " namespaces on neither side the baseline checked (root, unprivileged): made by "
               "another user, with --no-unprivileged, or where uid 65534 is not mapped",
           ""},
          true);
    }
    std::optional<std::string> old_config = ConfigValue(baseline, *old_ns);
    std::optional<std::string> new_config = ConfigValue(current, new_ns);
    if (old_config.has_value() != new_config.has_value()) {
      result.context_differences.push_back(
          "kernel.config." + ja::String(new_ns, "config_option", "?") + ": " +
          (old_config ? "known" : "no config") + " -> " + (new_config ? "known" : "no config"));
    } else if (old_config && ConfigOn(*old_ns) != ConfigOn(new_ns)) {
      bool lost = ConfigOn(*old_ns);
      std::string option = ja::String(new_ns, "config_option", "?");
      Add(result, allow,
          {"kernel", "kernel.config." + option, lost ? "config-lost" : "config-gained", *old_config,
           *new_config, option + (lost ? " is no longer set" : " is now set"), ""},
          lost);
    }
  }
  for (const auto& [type, ns] : *after) {
    if (!before->contains(type))
      result.context_differences.push_back("kernel: namespace type " + type +
                                           " only in the current report");
  }
  KernelContext(baseline, current, result.context_differences);
  return {};
}

}  // namespace nsm
