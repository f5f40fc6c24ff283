// Read-only views of the JSON document that every writer needs alike.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nsm {

// Cells by verdict, as the cells themselves say.
struct CellCounts {
  long long cells = 0, pass = 0, fail = 0, skip = 0;
  long long unjudged = 0;  // a verdict that is not pass, fail or skip, or none

  bool operator==(const CellCounts&) const = default;
};

struct Totals {
  // The document's summary's figures when it has one, else `counted`'s.
  long long cells = 0, pass = 0, fail = 0, skip = 0;
  std::map<std::string, long long> outcomes;  // isolated, leaked, unsupported, refused, error
  bool has_summary = false;
  CellCounts counted;  // from the cells, whatever the summary says
};

Totals CountTotals(const nlohmann::json& doc);
// A cell whose verdict is fail, or none nsmatrix knows (listed with the
// failures: it fails the headline, RunVerdict below).
bool IsFailingCell(const nlohmann::json& cell);

// What a report's headline says of a run, as `nsmatrix run`'s exit code does,
// and from the cells, so that no summary can make a failing run pass:
// failed when a cell failed (or the summary counts one) or a cell has no
// verdict nsmatrix knows; nothing tested when no cell passed (every cell a
// skip, or no cell at all); passed otherwise.
enum class RunVerdict { kPassed, kFailed, kNothingTested };
RunVerdict VerdictOf(const Totals& totals);
// The headline every writer shows, in the same words: "FAILED", "PASSED" or
// "NOTHING TESTED", and what follows it ("3 of 40 cells failed").
struct Headline {
  RunVerdict verdict = RunVerdict::kFailed;
  std::string word;
  std::string text;
};
Headline HeadlineOf(const Totals& totals);
// When the summary's cell, pass, fail or skip counts differ from the cells',
// a sentence that says so ("The summary counts ... but the cells ..."); else
// empty.
std::string SummaryMismatch(const Totals& totals);
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
