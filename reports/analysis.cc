#include "reports/analysis.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"
#include "reports/json_access.h"
#include "reports/matrix_cells.h"

namespace nsm {
namespace {

using nlohmann::json;

enum class Seen : unsigned char { kNot, kIsolated, kLeaked };

struct ProbeCells {
  int isolated_count = 0;
  int cell_count = 0;
  std::array<Seen, kCombinationCount> seen{};  // by combination index
};

// The cell's namespace set, from "namespaces" when present, else from "combination".
std::optional<NsSet> CellSet(const json& cell) {
  if (const json* names = json_access::Find(cell, "namespaces"); names && names->is_array())
    return NamespacesNamed(*names);
  Result<NsSet> parsed = NsSet::Parse(json_access::String(cell, "combination", "?"));
  return parsed ? std::optional<NsSet>(*parsed) : std::nullopt;
}

// By size, then member by member in canonical order: {uts} < {user} < {mnt, pid}.
bool CanonicalLess(NsSet a, NsSet b) {
  if (a.Size() != b.Size()) return a.Size() < b.Size();
  for (const NsInfo& info : kNamespaces) {
    if (a.Has(info.ns) != b.Has(info.ns)) return a.Has(info.ns);
  }
  return false;
}

json NamesOf(NsSet set) {
  json names = json::array();
  for (std::string_view name : set.Names()) names.push_back(name);
  return names;
}

json Analyze(const ProbeCells& cells) {
  std::vector<NsSet> isolated;
  for (unsigned index = 0; index < static_cast<unsigned>(kCombinationCount); ++index) {
    if (cells.seen[index] == Seen::kIsolated) isolated.push_back(NsSet::FromIndex(index));
  }
  std::sort(isolated.begin(), isolated.end(), CanonicalLess);

  json isolated_by = json::array();
  json anomalies = json::array();
  for (NsSet set : isolated) {
    bool minimal = std::none_of(isolated.begin(), isolated.end(), [set](NsSet other) {
      return other != set && other.IsSubsetOf(set);
    });
    if (minimal) isolated_by.push_back(NamesOf(set));
    for (const NsInfo& info : kNamespaces) {
      if (set.Has(info.ns)) continue;
      NsSet larger = set.With(info.ns);
      if (cells.seen[larger.Index()] == Seen::kLeaked) {
        anomalies.push_back("isolated with " + set.ToString() + " but leaked with " +
                            larger.ToString());
      }
    }
  }
  return {{"isolated_count", cells.isolated_count},
          {"cell_count", cells.cell_count},
          {"isolated_by", std::move(isolated_by)},
          {"anomalies", std::move(anomalies)}};
}

}  // namespace

json AnalyzeProbes(const json& doc) {
  std::map<std::string, ProbeCells, std::less<>> by_probe;
  for (const json& probe : json_access::Array(doc, "probes")) {
    if (const json* id = json_access::Find(probe, "id"); id && id->is_string()) {
      by_probe[id->get<std::string>()];
    }
  }
  for (const json& cell : json_access::Array(doc, "cells")) {
    const json* id = json_access::Find(cell, "probe");
    if (!id || !id->is_string()) continue;
    // By reference, never copied: this runs once per cell (6656 in a full run).
    const std::string& probe = id->get_ref<const std::string&>();
    ProbeCells& cells = by_probe.try_emplace(probe).first->second;
    const json* outcome_value = json_access::Find(cell, "outcome");
    std::string_view outcome = outcome_value && outcome_value->is_string()
                                   ? std::string_view(outcome_value->get_ref<const std::string&>())
                                   : std::string_view();
    bool is_isolated = outcome == "isolated";
    if (is_isolated || outcome == "leaked" || outcome == "unsupported" || outcome == "refused" ||
        outcome == "error") {
      ++cells.cell_count;
    }
    if (is_isolated) ++cells.isolated_count;
    if (!is_isolated && outcome != "leaked") continue;
    std::optional<NsSet> set = CellSet(cell);
    if (!set) continue;
    // A combination seen twice counts as leaked if either cell leaked.
    Seen& seen = cells.seen[set->Index()];
    if (seen != Seen::kLeaked) seen = is_isolated ? Seen::kIsolated : Seen::kLeaked;
  }

  json result = json::object();
  for (const auto& [id, cells] : by_probe) result[id] = Analyze(cells);
  return result;
}

void AddAnalysis(json& doc) {
  if (!doc.is_object()) return;
  auto probes = doc.find("probes");
  if (probes == doc.end() || !probes->is_array()) return;
  json analysis = AnalyzeProbes(doc);
  for (json& probe : *probes) {
    const json* id = json_access::Find(probe, "id");
    if (!id || !id->is_string()) continue;
    auto found = analysis.find(id->get<std::string>());
    if (found == analysis.end()) continue;
    for (const auto& [key, value] : found->items()) probe[key] = value;
  }
}

}  // namespace nsm
