#include "harness/gate/kernel_compare.h"

#include <map>

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
    for (const char* as : {"root", "unprivileged"}) {
      std::string was = ja::String(ja::Object(*old_ns, as), "status", "?");
      std::string now = ja::String(ja::Object(new_ns, as), "status", "?");
      if (was == now) continue;
      std::string probe = "kernel." + type + "." + as;
      int was_rank = StatusRank(was), now_rank = StatusRank(now);
      const json& new_check = ja::Object(new_ns, as);
      const json* skipped = ja::Find(new_check, "skipped");
      bool skipped_on_purpose = now == "not-checked" && skipped && *skipped == true;
      if (was_rank > 0 && now_rank == 0 && !skipped_on_purpose) {
        // A check that was killed or timed out can hide a lost namespace.
        Add(result, allow, {"kernel", probe, "check-failed", was, now, Reason(new_check), ""},
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
    bool old_known = ja::Find(*old_ns, "config") && (*old_ns)["config"].is_string();
    bool new_known = ja::Find(new_ns, "config") && new_ns["config"].is_string();
    if (old_known != new_known) {
      result.context_differences.push_back(
          "kernel.config." + ja::String(new_ns, "config_option", "?") + ": " +
          (old_known ? "known" : "no config") + " -> " + (new_known ? "known" : "no config"));
    } else if (old_known && ConfigOn(*old_ns) != ConfigOn(new_ns)) {
      bool lost = ConfigOn(*old_ns);
      std::string option = ja::String(new_ns, "config_option", "?");
      Add(result, allow,
          {"kernel", "kernel.config." + option, lost ? "config-lost" : "config-gained",
           ja::String(*old_ns, "config"), ja::String(new_ns, "config"),
           option + (lost ? " is no longer set" : " is now set"), ""},
          lost);
    }
  }
  for (const auto& [type, ns] : *after) {
    if (!before->contains(type))
      result.context_differences.push_back("kernel: namespace type " + type +
                                           " only in the current report");
  }
  return {};
}

}  // namespace nsm
