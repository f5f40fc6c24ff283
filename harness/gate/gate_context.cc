// The gate's context lines: what differs between two runs beyond their cells.
#include <set>
#include <string>
#include <vector>

#include "harness/common/strings.h"
#include "harness/gate/gate.h"
#include "harness/gate/gate_internal.h"
#include "reports/json_access.h"

namespace nsm {
namespace {

using nlohmann::json;
namespace ja = json_access;
using gate_internal::ListNames;

// Lists of names in context lines stop after this many.
constexpr size_t kMaxListedNames = 12;

// Every scalar (or array) under `prefix` in either object, by dotted path ("vm.kernel.release").
void AddLeafDifferences(const std::string& prefix, const json* before, const json* after,
                        std::vector<std::string>& out) {
  bool before_object = before && before->is_object(), after_object = after && after->is_object();
  if (!before_object && !after_object) {
    AddContextDifference(prefix, before, after, out);
    return;
  }
  std::set<std::string> keys;
  for (const json* side : {before, after}) {
    if (side && side->is_object()) {
      for (const auto& [key, value] : side->items()) keys.insert(key);
    }
  }
  for (const std::string& key : keys) {
    AddLeafDifferences(prefix + "." + key, before_object ? ja::Find(*before, key.c_str()) : nullptr,
                       after_object ? ja::Find(*after, key.c_str()) : nullptr, out);
  }
}

// Text of a document value in a context line.
std::string ValueText(const json* value) {
  if (value == nullptr) return "(absent)";
  if (value->is_string()) return value->get<std::string>();
  return value->dump();
}

// Names in `a` (in order) that are not in `b`.
std::vector<std::string> OnlyIn(const std::vector<std::string>& a,
                                const std::vector<std::string>& b) {
  std::set<std::string> others(b.begin(), b.end());
  std::vector<std::string> only;
  for (const std::string& name : a) {
    if (!others.contains(name)) only.push_back(name);
  }
  return only;
}

// Probe ids the document names anywhere: doc["probes"], options.probes, the cells.
std::vector<std::string> ProbeIds(const json& doc, const std::vector<MatrixCell>& cells) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  auto add = [&](const std::string& id) {
    if (!id.empty() && seen.insert(id).second) ids.push_back(id);
  };
  for (const json& probe : ja::Array(doc, "probes")) add(ja::String(probe, "id"));
  for (const json& id : ja::Array(ja::Object(doc, "options"), "probes")) {
    if (id.is_string()) add(id.get<std::string>());
  }
  for (const MatrixCell& cell : cells) add(cell.probe);
  return ids;
}

std::vector<std::string> Combinations(const std::vector<MatrixCell>& cells) {
  std::vector<std::string> names;
  std::set<unsigned> seen;
  for (const MatrixCell& cell : cells) {
    if (seen.insert(cell.combination.Index()).second) names.push_back(cell.combination.ToString());
  }
  return names;
}

}  // namespace

namespace gate_internal {

std::string ListNames(const std::vector<std::string>& names) {
  if (names.size() <= kMaxListedNames) return Join(names, ", ");
  std::vector<std::string> shown(names.begin(), names.begin() + kMaxListedNames);
  return Join(shown, ", ") + ", ... (" + std::to_string(names.size()) + " in all)";
}

std::vector<std::string> ContextDifferences(const json& baseline,
                                            const std::vector<MatrixCell>& base,
                                            const json& current,
                                            const std::vector<MatrixCell>& cur) {
  std::vector<std::string> out;
  AddContextDifference("tool.version", ja::Find(ja::Object(baseline, "tool"), "version"),
                       ja::Find(ja::Object(current, "tool"), "version"), out);
  const json& base_host = ja::Object(baseline, "host");
  const json& cur_host = ja::Object(current, "host");
  for (const char* key : {"kernel_release", "kernel_version", "architecture", "mode"}) {
    AddContextDifference(key, ja::Find(base_host, key), ja::Find(cur_host, key), out);
  }
  const json& base_options = ja::Object(baseline, "options");
  const json& cur_options = ja::Object(current, "options");
  std::set<std::string> keys = {"userns_map", "rootfs", "combinations"};
  for (const char* key : {"userns_map", "rootfs", "combinations"}) {
    AddContextDifference(std::string("options.") + key, ja::Find(base_options, key),
                         ja::Find(cur_options, key), out);
  }
  // Every other option too (probes: see the probe lists below). Both key sets, sorted.
  std::set<std::string> others;
  for (const auto& [key, value] : base_options.items()) others.insert(key);
  for (const auto& [key, value] : cur_options.items()) others.insert(key);
  for (const std::string& key : others) {
    if (keys.contains(key) || key == "probes") continue;
    AddContextDifference("options." + key, ja::Find(base_options, key.c_str()),
                         ja::Find(cur_options, key.c_str()), out);
  }
  // The VM a run was made in (`nsmatrix vm`): its kernel image, release and QEMU.
  AddLeafDifferences("vm", ja::Find(baseline, "vm"), ja::Find(current, "vm"), out);
  // The container runtime that made the containers: its name, version and path.
  AddLeafDifferences("runtime", ja::Find(baseline, "runtime"), ja::Find(current, "runtime"), out);
  std::vector<std::string> base_probes = ProbeIds(baseline, base);
  std::vector<std::string> cur_probes = ProbeIds(current, cur);
  if (auto only = OnlyIn(base_probes, cur_probes); !only.empty()) {
    out.push_back("probes only in baseline: " + ListNames(only));
  }
  if (auto only = OnlyIn(cur_probes, base_probes); !only.empty()) {
    out.push_back("probes only in current: " + ListNames(only));
  }
  std::vector<std::string> base_combos = Combinations(base);
  std::vector<std::string> cur_combos = Combinations(cur);
  if (auto only = OnlyIn(base_combos, cur_combos); !only.empty()) {
    out.push_back("combinations only in baseline: " + ListNames(only));
  }
  if (auto only = OnlyIn(cur_combos, base_combos); !only.empty()) {
    out.push_back("combinations only in current: " + ListNames(only));
  }
  return out;
}

}  // namespace gate_internal

void AddContextDifference(const std::string& label, const json* before, const json* after,
                          std::vector<std::string>& out) {
  bool same = (before == nullptr && after == nullptr) ||
              (before != nullptr && after != nullptr && *before == *after);
  if (!same) out.push_back(label + ": " + ValueText(before) + " -> " + ValueText(after));
}

}  // namespace nsm
