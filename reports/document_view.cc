#include "reports/document_view.h"

#include <algorithm>
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
  Totals totals;
  for (const char* outcome : kOutcomes) totals.outcomes[outcome] = 0;
  CellCounts& counted = totals.counted;
  for (const json& cell : ja::Array(doc, "cells")) {
    ++counted.cells;
    std::string verdict = ja::String(cell, "verdict");
    if (verdict == "pass") {
      ++counted.pass;
    } else if (verdict == "fail") {
      ++counted.fail;
    } else if (verdict == "skip") {
      ++counted.skip;
    } else {
      ++counted.unjudged;
    }
    auto it = totals.outcomes.find(ja::String(cell, "outcome"));
    if (it != totals.outcomes.end()) ++it->second;
  }
  const json* summary = ja::Find(doc, "summary");
  if (!summary || !summary->is_object()) {
    totals.cells = counted.cells;
    totals.pass = counted.pass;
    totals.fail = counted.fail;
    totals.skip = counted.skip;
    return totals;
  }
  totals.has_summary = true;
  totals.cells = ja::Int(*summary, "cells");
  totals.pass = ja::Int(*summary, "pass");
  totals.fail = ja::Int(*summary, "fail");
  totals.skip = ja::Int(*summary, "skip");
  const json& outcomes = ja::Object(*summary, "outcomes");
  for (const char* outcome : kOutcomes) totals.outcomes[outcome] = ja::Int(outcomes, outcome);
  return totals;
}

RunVerdict VerdictOf(const Totals& totals) {
  if (totals.fail > 0 || totals.counted.fail > 0 || totals.counted.unjudged > 0)
    return RunVerdict::kFailed;
  if (totals.counted.pass == 0) return RunVerdict::kNothingTested;
  return RunVerdict::kPassed;
}

Headline HeadlineOf(const Totals& totals) {
  const CellCounts& c = totals.counted;
  Headline headline{VerdictOf(totals), "", ""};
  switch (headline.verdict) {
    case RunVerdict::kFailed: {
      headline.word = "FAILED";
      std::vector<std::string> parts;
      long long failed = std::max(totals.fail, c.fail);
      long long of = std::max(totals.cells, c.cells);
      if (failed > 0)
        parts.push_back(std::to_string(failed) + " of " + std::to_string(of) + " cells failed");
      if (c.unjudged > 0) {
        parts.push_back(std::to_string(c.unjudged) + " of " + std::to_string(of) +
                        " cells have no verdict nsmatrix knows (pass, fail or skip)");
      }
      headline.text = Join(parts, "; ");
      break;
    }
    case RunVerdict::kNothingTested:
      headline.word = "NOTHING TESTED";
      headline.text = c.cells == 0 ? "the document lists no cells"
                                   : "no cell passed or failed (" + std::to_string(c.skip) +
                                         " of " + std::to_string(c.cells) + " skipped)";
      break;
    case RunVerdict::kPassed:
      headline.word = "PASSED";
      headline.text = "no cell failed (" + std::to_string(c.pass) + " passed, " +
                      std::to_string(c.skip) + " skipped)";
      break;
  }
  return headline;
}

std::string SummaryMismatch(const Totals& totals) {
  const CellCounts& c = totals.counted;
  if (!totals.has_summary || (totals.cells == c.cells && totals.pass == c.pass &&
                              totals.fail == c.fail && totals.skip == c.skip))
    return "";
  auto figures = [](long long cells, long long pass, long long fail, long long skip) {
    return std::to_string(cells) + " cells (" + std::to_string(pass) + " pass, " +
           std::to_string(fail) + " fail, " + std::to_string(skip) + " skip)";
  };
  return "The summary counts " + figures(totals.cells, totals.pass, totals.fail, totals.skip) +
         " but the document lists " + figures(c.cells, c.pass, c.fail, c.skip) + ".";
}

bool IsFailingCell(const json& cell) {
  std::string verdict = ja::String(cell, "verdict");
  return verdict != "pass" && verdict != "skip";
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
