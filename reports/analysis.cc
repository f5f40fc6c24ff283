#include "reports/analysis.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/common/namespaces.h"
#include "reports/json_access.h"

namespace nsm {
namespace {

using nlohmann::json;

struct ProbeCells {
  int isolated_count = 0;
  int cell_count = 0;
  std::map<unsigned, bool> isolated;  // combination index -> isolated (false: leaked)
};

// The cell's namespace set, from "namespaces" when present, else from "combination".
std::optional<NsSet> CellSet(const json& cell) {
  if (const json* names = json_access::Find(cell, "namespaces"); names && names->is_array()) {
    NsSet set;
    for (const json& name : *names) {
      if (!name.is_string()) return std::nullopt;
      std::optional<Ns> ns = NsFromName(name.get<std::string>());
      if (!ns || set.Has(*ns)) return std::nullopt;
      set = set.With(*ns);
    }
    return set;
  }
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
  for (const auto& [index, is_isolated] : cells.isolated) {
    if (is_isolated) isolated.push_back(NsSet::FromIndex(index));
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
      auto it = cells.isolated.find(larger.Index());
      if (it != cells.isolated.end() && !it->second) {
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
  std::map<std::string, ProbeCells> by_probe;
  for (const json& probe : json_access::Array(doc, "probes")) {
    if (const json* id = json_access::Find(probe, "id"); id && id->is_string()) {
      by_probe[id->get<std::string>()];
    }
  }
  for (const json& cell : json_access::Array(doc, "cells")) {
    const json* id = json_access::Find(cell, "probe");
    if (!id || !id->is_string()) continue;
    ProbeCells& cells = by_probe[id->get<std::string>()];
    std::string outcome = json_access::String(cell, "outcome");
    bool is_isolated = outcome == "isolated";
    if (is_isolated || outcome == "leaked" || outcome == "unsupported" || outcome == "error") {
      ++cells.cell_count;
    }
    if (is_isolated) ++cells.isolated_count;
    if (!is_isolated && outcome != "leaked") continue;
    std::optional<NsSet> set = CellSet(cell);
    if (!set) continue;
    auto [it, inserted] = cells.isolated.emplace(set->Index(), is_isolated);
    if (!inserted) it->second = it->second && is_isolated;
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
