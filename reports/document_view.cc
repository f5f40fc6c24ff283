#include "reports/document_view.h"

#include <map>
#include <optional>
#include <set>

#include "harness/common/strings.h"
#include "reports/analysis.h"
#include "reports/json_access.h"

namespace nsm {

namespace ja = json_access;
using nlohmann::json;

Totals CountTotals(const json& doc) {
  static const char* const kOutcomes[] = {"isolated", "leaked", "unsupported", "refused", "error"};
  Totals counted;
  for (const char* outcome : kOutcomes) counted.outcomes[outcome] = 0;
  for (const json& cell : ja::Array(doc, "cells")) {
    ++counted.cells;
    std::string verdict = ja::String(cell, "verdict");
    counted.pass += verdict == "pass";
    counted.fail += verdict == "fail";
    counted.skip += verdict == "skip";
    auto it = counted.outcomes.find(ja::String(cell, "outcome"));
    if (it != counted.outcomes.end()) ++it->second;
  }
  counted.failing_cells = counted.fail;
  const json* summary = ja::Find(doc, "summary");
  if (!summary || !summary->is_object()) return counted;
  Totals totals;
  totals.cells = ja::Int(*summary, "cells");
  totals.pass = ja::Int(*summary, "pass");
  totals.fail = ja::Int(*summary, "fail");
  totals.skip = ja::Int(*summary, "skip");
  const json& outcomes = ja::Object(*summary, "outcomes");
  for (const char* outcome : kOutcomes) totals.outcomes[outcome] = ja::Int(outcomes, outcome);
  totals.failing_cells = counted.fail;
  return totals;
}

bool IsFailingCell(const json& cell) {
  return ja::String(cell, "verdict") == "fail";
}

std::vector<std::string> ProbeOrder(const json& doc) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  auto add = [&](const std::string& id) {
    if (seen.insert(id).second) ids.push_back(id);
  };
  for (const json& probe : ja::Array(doc, "probes")) add(ja::String(probe, "id", "?"));
  for (const json& cell : ja::Array(doc, "cells")) add(ja::String(cell, "probe", "?"));
  return ids;
}

const nlohmann::json& ProbeField(const nlohmann::json* probe, const nlohmann::json& analysis,
                                 const char* key) {
  const nlohmann::json* value = probe ? ja::Find(*probe, key) : nullptr;
  if (value) return *value;
  const nlohmann::json* computed = ja::Find(analysis, key);
  static const nlohmann::json kNull;
  return computed ? *computed : kNull;
}

std::vector<CombinationView> CombinationOrder(const json& doc) {
  std::vector<CombinationView> combinations;
  std::set<std::string> seen;
  for (const json& cell : ja::Array(doc, "cells")) {
    CombinationView c{ja::String(cell, "combination", "?"), {}};
    if (!seen.insert(c.name).second) continue;
    if (const json* names = ja::Find(cell, "namespaces"); names && names->is_array()) {
      for (const json& name : *names) {
        if (name.is_string()) c.namespaces.push_back(name.get<std::string>());
      }
    } else if (c.name != "none") {
      for (std::string_view part : Split(c.name, '+')) c.namespaces.emplace_back(part);
    }
    combinations.push_back(std::move(c));
  }
  return combinations;
}

std::vector<ProbeSummary> SummarizeProbes(const json& doc, const std::vector<std::string>& ids) {
  std::map<std::string, const json*> entries;
  for (const json& probe : ja::Array(doc, "probes")) {
    entries.emplace(ja::String(probe, "id", "?"), &probe);
  }
  std::map<std::string, long long> failures;
  for (const json& cell : ja::Array(doc, "cells")) {
    if (IsFailingCell(cell)) ++failures[ja::String(cell, "probe", "?")];
  }
  // The document's own figures first: AnalyzeProbes (a pass over every cell)
  // only for a probe whose entry lacks one.
  std::optional<json> analysis;
  auto computed = [&](const std::string& id) -> const json& {
    if (!analysis) analysis = AnalyzeProbes(doc);
    return ja::Object(*analysis, id.c_str());
  };
  static const json kNoEntry = json::object();
  std::vector<ProbeSummary> probes;
  probes.reserve(ids.size());
  for (const std::string& id : ids) {
    ProbeSummary summary;
    summary.id = id;
    auto entry = entries.find(id);
    summary.entry = entry == entries.end() ? nullptr : entry->second;
    bool complete = summary.entry != nullptr;
    for (const char* key : {"isolated_count", "cell_count", "isolated_by", "anomalies"})
      complete = complete && ja::Find(*summary.entry, key) != nullptr;
    const json& fallback = complete ? kNoEntry : computed(id);
    summary.isolated_count = ProbeField(summary.entry, fallback, "isolated_count");
    summary.cell_count = ProbeField(summary.entry, fallback, "cell_count");
    summary.isolated_by = ProbeField(summary.entry, fallback, "isolated_by");
    const json& anomalies = ProbeField(summary.entry, fallback, "anomalies");
    if (anomalies.is_array()) summary.anomalies = anomalies;
    summary.failures = failures[id];
    probes.push_back(std::move(summary));
  }
  return probes;
}

std::string ScalarText(const nlohmann::json& value) {
  if (value.is_null() || value.is_structured()) return "?";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string ModeMeaning(std::string_view mode) {
  if (mode == "root") return "real root";
  if (mode == "userns-root") return "root inside a user namespace";
  if (mode == "rootless") return "an unprivileged user";
  return "unknown mode";
}

}  // namespace nsm
