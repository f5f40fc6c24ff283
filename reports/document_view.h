// Read-only views of the JSON document that every writer needs alike.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nsm {

struct Totals {
  long long cells = 0, pass = 0, fail = 0, skip = 0;
  std::map<std::string, long long> outcomes;  // isolated, leaked, unsupported, error
  long long failing_cells = 0;                // counted from the cells, whatever the summary says
};

// From doc["summary"] when present, else counted from the cells.
Totals CountTotals(const nlohmann::json& doc);
bool IsFailingCell(const nlohmann::json& cell);
// Probe ids in doc["probes"] order, then any only named by cells.
std::vector<std::string> ProbeOrder(const nlohmann::json& doc);
// A scalar as text: a string as itself, a number or boolean as JSON writes
// it; null, an array or an object as "?".
std::string ScalarText(const nlohmann::json& value);
// A probe's field `key` from its entry in doc["probes"] (`probe`, may be
// null) when there, else from AnalyzeProbes()'s entry for it (`analysis`);
// null when neither has it.
const nlohmann::json& ProbeField(const nlohmann::json* probe, const nlohmann::json& analysis,
                                 const char* key);
// What every writer shows of one probe: its entry in doc["probes"], the
// figures of the report analysis (from that entry when there, else computed
// by AnalyzeProbes, as ProbeField), and how many of its cells failed.
struct ProbeSummary {
  std::string id;
  const nlohmann::json* entry = nullptr;  // in doc["probes"], or null when only cells name it
  nlohmann::json isolated_count, cell_count, isolated_by;  // null when neither has them
  nlohmann::json anomalies = nlohmann::json::array();      // always an array
  long long failures = 0;
};
// One per id, in the order given (ProbeOrder's, usually).
std::vector<ProbeSummary> SummarizeProbes(const nlohmann::json& doc,
                                          const std::vector<std::string>& ids);
// A combination as the cells name it, and its namespaces (the cell's
// "namespaces", or the name split at '+').
struct CombinationView {
  std::string name;
  std::vector<std::string> namespaces;
};
// In the order the cells first name them.
std::vector<CombinationView> CombinationOrder(const nlohmann::json& doc);
// What the document's host.mode means, in words ("real root", ...).
std::string ModeMeaning(std::string_view mode);

}  // namespace nsm
