#include "harness/gate/gate.h"

#include <cerrno>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/common/strings.h"
#include "reports/json_access.h"
#include "reports/markdown_writer.h"
#include "reports/step_summary.h"

namespace nsm {
namespace {

using nlohmann::json;
namespace ja = json_access;

constexpr std::string_view kOutcomes[] = {"isolated", "leaked", "unsupported", "refused", "error"};
constexpr std::string_view kVerdicts[] = {"pass", "fail", "skip"};
constexpr const char* kAbsent = "absent";
// Lists of names in context lines stop after this many.
constexpr size_t kMaxListedNames = 12;
// A detail in a Markdown table is cut to this many bytes.
constexpr size_t kMarkdownDetailLimit = 500;
// Room kept for headings and "... and N more" lines while Markdown rows are added.
constexpr size_t kMarkdownReserve = 512;

struct Cell {
  std::string combination, probe, outcome, verdict, expected, detail;
};

using CellKey = std::pair<std::string, std::string>;

struct Matrix {
  std::vector<Cell> cells;
  std::map<CellKey, size_t> index;
};

template <size_t N>
bool OneOf(const std::string& value, const std::string_view (&set)[N]) {
  for (std::string_view item : set) {
    if (value == item) return true;
  }
  return false;
}

std::unexpected<Error> Invalid(const char* which, const std::string& what) {
  return Fail(EINVAL, "compare matrices", std::string(which) + ": " + what,
              "the baseline and the current matrix must be JSON reports written by "
              "`nsmatrix run --json` (schema nsmatrix/1)");
}

Result<Matrix> ReadMatrix(const json& doc, const char* which) {
  if (!doc.is_object()) return Invalid(which, "not a JSON object");
  std::string schema = ja::String(doc, "schema");
  if (schema != "nsmatrix/1") {
    return Invalid(which, schema.empty()
                              ? "not an nsmatrix/1 document (no \"schema\")"
                              : "not an nsmatrix/1 document (schema \"" + schema + "\")");
  }
  const json* cells = ja::Find(doc, "cells");
  if (cells == nullptr || !cells->is_array()) return Invalid(which, "no \"cells\" array");
  Matrix matrix;
  for (size_t i = 0; i < cells->size(); ++i) {
    const json& value = (*cells)[i];
    std::string where = "cell " + std::to_string(i);
    if (!value.is_object()) return Invalid(which, where + " is not an object");
    Cell cell;
    for (auto [key, field] :
         {std::pair{"combination", &cell.combination}, std::pair{"probe", &cell.probe},
          std::pair{"outcome", &cell.outcome}, std::pair{"verdict", &cell.verdict}}) {
      const json* member = ja::Find(value, key);
      if (member == nullptr || !member->is_string() || member->get<std::string>().empty()) {
        return Invalid(which, where + " has no \"" + key + "\" string");
      }
      *field = member->get<std::string>();
    }
    where += " (" + cell.combination + " " + cell.probe + ")";
    if (!OneOf(cell.outcome, kOutcomes)) {
      return Invalid(which, where + ": outcome \"" + cell.outcome +
                                "\" is not isolated, leaked, unsupported, refused or error");
    }
    if (!OneOf(cell.verdict, kVerdicts)) {
      return Invalid(which, where + ": verdict \"" + cell.verdict + "\" is not pass, fail or skip");
    }
    cell.expected = ja::String(value, "expected", "?");
    cell.detail = ja::String(value, "detail");
    auto [it, inserted] = matrix.index.emplace(CellKey{cell.combination, cell.probe}, i);
    if (!inserted) {
      return Invalid(which, where + " repeats cell " + std::to_string(it->second) +
                                ": each combination and probe must occur once");
    }
    matrix.cells.push_back(std::move(cell));
  }
  return matrix;
}

// The regression kind for a cell present in both, or "".
std::string RegressionKind(const Cell& before, const Cell& after) {
  if (before.outcome == "isolated" && after.outcome == "leaked") return "isolation-lost";
  if (before.outcome != "unsupported" && after.outcome == "unsupported") return "support-lost";
  if (before.outcome != "refused" && before.outcome != "unsupported" && after.outcome == "refused")
    return "runtime-refused";
  if (before.outcome != "error" && after.outcome == "error") return "probe-error";
  if (after.verdict == "fail" && (before.verdict == "pass" || before.verdict == "skip")) {
    return "verdict-fail";
  }
  // A cell that failed before and fails differently now is no improvement: a
  // baseline error must not hide a leak that replaced it.
  if (after.verdict == "fail" && before.outcome != after.outcome) return "verdict-fail";
  return {};
}

// The improvement kind for a cell present in both without a regression, or "".
std::string ImprovementKind(const Cell& before, const Cell& after) {
  bool now_runs = after.outcome == "isolated" || after.outcome == "leaked";
  if (before.outcome == "leaked" && after.outcome == "isolated") return "isolation-gained";
  if (before.outcome == "unsupported" && now_runs) return "support-gained";
  if (before.outcome == "refused" && now_runs) return "runtime-accepted";
  if (before.outcome == "error" && now_runs) return "error-fixed";
  if (before.verdict == "fail" && after.verdict == "pass") return "verdict-pass";
  return {};
}

std::string Describe(const std::string& kind, const Cell& before, const Cell& after) {
  if (kind == "verdict-fail" || kind == "verdict-pass") {
    std::string text =
        "verdict " + before.verdict + " -> " + after.verdict + " (expected " + after.expected + ")";
    return after.detail.empty() ? text : text + ": " + after.detail;
  }
  return after.detail;
}

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

std::string ListNames(const std::vector<std::string>& names) {
  if (names.size() <= kMaxListedNames) return Join(names, ", ");
  std::vector<std::string> shown(names.begin(), names.begin() + kMaxListedNames);
  return Join(shown, ", ") + ", ... (" + std::to_string(names.size()) + " in all)";
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
std::vector<std::string> ProbeIds(const json& doc, const Matrix& matrix) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  auto add = [&](const std::string& id) {
    if (!id.empty() && seen.insert(id).second) ids.push_back(id);
  };
  for (const json& probe : ja::Array(doc, "probes")) add(ja::String(probe, "id"));
  for (const json& id : ja::Array(ja::Object(doc, "options"), "probes")) {
    if (id.is_string()) add(id.get<std::string>());
  }
  for (const Cell& cell : matrix.cells) add(cell.probe);
  return ids;
}

std::vector<std::string> Combinations(const Matrix& matrix) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const Cell& cell : matrix.cells) {
    if (seen.insert(cell.combination).second) names.push_back(cell.combination);
  }
  return names;
}

std::vector<std::string> ContextDifferences(const json& baseline, const Matrix& base,
                                            const json& current, const Matrix& cur) {
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

json DifferenceToJson(const GateDifference& d, bool with_reason) {
  json out = {{"combination", d.combination}, {"probe", d.probe}, {"kind", d.kind},
              {"before", d.before},           {"after", d.after}, {"detail", d.detail}};
  if (with_reason) out["reason"] = d.reason;
  return out;
}

json RunToJson(const json& doc) {
  auto or_null = [](const json* value) { return value ? *value : json(nullptr); };
  return {{"generated_at", or_null(ja::Find(doc, "generated_at"))},
          {"kernel_release", or_null(ja::Find(ja::Object(doc, "host"), "kernel_release"))},
          {"options", ja::Object(doc, "options")}};
}

// One line for a terminal: line breaks become " | ", other control characters (C0,
// DEL, C1: a hostile detail must not drive the terminal) become \xNN.
std::string TerminalSafe(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      out += " | ";
    } else if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\x%02x", c);
      out += buffer;
    } else if (c == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      char buffer[8];
      std::snprintf(buffer, sizeof(buffer), "\\u%04x", static_cast<unsigned char>(text[++i]));
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string Count(size_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

// "FAILED: 2 regressions (...)"; `emphasis` ("**") goes around the verdict word.
std::string VerdictSentence(const GateResult& result, const std::string& emphasis = "") {
  std::string others =
      Count(result.allowed.size(), "allowed", "allowed") + ", " +
      Count(result.improvements.size(), "improvement", "improvements") + ", " +
      Count(result.context_differences.size(), "context difference", "context differences");
  if (result.Failed()) {
    return emphasis + "FAILED" + emphasis + ": " +
           Count(result.regressions.size(), "regression", "regressions") + " (" + others + ")";
  }
  return emphasis + "PASSED" + emphasis + ": no regressions (" + others + ")";
}

std::string TextLine(const char* label, const GateDifference& d) {
  std::string line = std::string(label) + " " + d.combination + " " + d.probe + ": " + d.before +
                     " -> " + d.after + " (" + d.kind + ")";
  if (!d.detail.empty()) line += " " + d.detail;
  if (!d.reason.empty()) line += " [allowed: " + d.reason + "]";
  return TerminalSafe(line) + "\n";
}

std::string Code(std::string_view text) {
  if (text.find('`') == std::string_view::npos) return "`" + std::string(text) + "`";
  return "`` " + std::string(text) + " ``";
}

std::string Row(const std::vector<std::string>& cells) {
  return "| " + Join(cells, " | ") + " |\n";
}

std::string MarkdownRow(const GateDifference& d, bool with_reason) {
  std::string detail = d.detail;
  if (detail.size() > kMarkdownDetailLimit) {
    detail = TruncateUtf8(detail, kMarkdownDetailLimit) + "...";
  }
  std::vector<std::string> cells = {EscapeTableCell(d.combination), Code(EscapeTableCell(d.probe)),
                                    EscapeTableCell(d.before + " → " + d.after),
                                    EscapeTableCell(d.kind)};
  if (with_reason) cells.push_back(EscapeTableCell(d.reason));
  cells.push_back(EscapeTableCell(detail));
  return Row(cells);
}

struct MarkdownSection {
  std::string heading;  // "## Regressions\n\n"
  std::string header;   // the table's header and delimiter rows
  std::vector<std::string> rows;
  std::string what;  // "regressions"
};

}  // namespace

void AddContextDifference(const std::string& label, const json* before, const json* after,
                          std::vector<std::string>& out) {
  bool same = (before == nullptr && after == nullptr) ||
              (before != nullptr && after != nullptr && *before == *after);
  if (!same) out.push_back(label + ": " + ValueText(before) + " -> " + ValueText(after));
}

Result<GateResult> CompareMatrices(const json& baseline, const json& current,
                                   const AllowList& allow) {
  Result<Matrix> base = ReadMatrix(baseline, "baseline");
  if (!base) return std::unexpected(std::move(base.error()));
  Result<Matrix> cur = ReadMatrix(current, "current");
  if (!cur) return std::unexpected(std::move(cur.error()));

  GateResult result;
  std::vector<std::string> verdicts_changed;  // neither a regression nor an improvement
  auto regression = [&](GateDifference d) {
    if (const AllowEntry* entry = FindAllowEntry(allow, d.combination, d.probe, d.after)) {
      d.reason = entry->reason;
      result.allowed.push_back(std::move(d));
    } else {
      result.regressions.push_back(std::move(d));
    }
  };
  for (const Cell& before : base->cells) {
    auto found = cur->index.find({before.combination, before.probe});
    if (found == cur->index.end()) {
      regression({before.combination, before.probe, "cell-missing", before.outcome, kAbsent,
                  "absent from the current matrix", ""});
      continue;
    }
    const Cell& after = cur->cells[found->second];
    if (std::string kind = RegressionKind(before, after); !kind.empty()) {
      regression({before.combination, before.probe, kind, before.outcome, after.outcome,
                  Describe(kind, before, after), ""});
    } else if (std::string kind = ImprovementKind(before, after); !kind.empty()) {
      result.improvements.push_back({before.combination, before.probe, kind, before.outcome,
                                     after.outcome, Describe(kind, before, after), ""});
    } else if (before.verdict != after.verdict) {
      verdicts_changed.push_back(before.combination + " " + before.probe + " " + before.verdict +
                                 " -> " + after.verdict);
    }
  }
  for (const Cell& after : cur->cells) {
    if (base->index.contains({after.combination, after.probe})) continue;
    result.improvements.push_back(
        {after.combination, after.probe, "cell-new", kAbsent, after.outcome, after.detail, ""});
  }
  result.context_differences = ContextDifferences(baseline, *base, current, *cur);
  if (!verdicts_changed.empty()) {
    result.context_differences.push_back("verdicts changed with the same outcome: " +
                                         ListNames(verdicts_changed));
  }
  return result;
}

json GateToJson(const GateResult& result, const json& baseline, const json& current) {
  json out = {{"failed", result.Failed()},     {"baseline", RunToJson(baseline)},
              {"current", RunToJson(current)}, {"context_differences", result.context_differences},
              {"regressions", json::array()},  {"improvements", json::array()},
              {"allowed", json::array()}};
  for (const GateDifference& d : result.regressions) {
    out["regressions"].push_back(DifferenceToJson(d, false));
  }
  for (const GateDifference& d : result.improvements) {
    out["improvements"].push_back(DifferenceToJson(d, false));
  }
  for (const GateDifference& d : result.allowed) {
    out["allowed"].push_back(DifferenceToJson(d, true));
  }
  return out;
}

std::string RenderGateText(const GateResult& result) {
  std::string out;
  for (const GateDifference& d : result.regressions) out += TextLine("REGRESSION", d);
  for (const GateDifference& d : result.improvements) out += TextLine("IMPROVEMENT", d);
  for (const GateDifference& d : result.allowed) out += TextLine("ALLOWED", d);
  for (const std::string& line : result.context_differences) {
    out += TerminalSafe("CONTEXT " + line) + "\n";
  }
  out += "gate: " + VerdictSentence(result) + "\n";
  return out;
}

std::string RenderGateMarkdown(const GateResult& result, size_t limit) {
  std::string out = "# nsmatrix gate\n\n";
  out += VerdictSentence(result, "**") + ".\n\n";
  out += "## Context differences\n\n";
  if (result.context_differences.empty()) {
    out += "None: same kernel, architecture, mode, options and probes.\n\n";
  } else {
    for (const std::string& line : result.context_differences) {
      out += "- " + EscapeTableCell(line) + "\n";
    }
    out += "\n";
  }

  const std::string diff_header = Row({"combination", "probe", "outcome", "kind", "detail"}) +
                                  Row({"---", "---", "---", "---", "---"});
  MarkdownSection sections[] = {
      {"## Regressions\n\n", diff_header, {}, "regressions"},
      {"## Allowed regressions\n\n",
       Row({"combination", "probe", "outcome", "kind", "reason", "detail"}) +
           Row({"---", "---", "---", "---", "---", "---"}),
       {},
       "allowed regressions"},
      {"## Improvements\n\n", diff_header, {}, "improvements"},
  };
  for (const GateDifference& d : result.regressions) {
    sections[0].rows.push_back(MarkdownRow(d, false));
  }
  for (const GateDifference& d : result.allowed) sections[1].rows.push_back(MarkdownRow(d, true));
  for (const GateDifference& d : result.improvements) {
    sections[2].rows.push_back(MarkdownRow(d, false));
  }

  constexpr size_t kSections = std::size(sections);
  for (size_t i = 0; i < kSections; ++i) {
    // Room for what the later sections need at least.
    size_t reserve = kMarkdownReserve;
    for (size_t j = i + 1; j < kSections; ++j) {
      reserve += sections[j].heading.size() + sections[j].header.size() + kMarkdownReserve;
    }
    const MarkdownSection& section = sections[i];
    out += section.heading;
    if (section.rows.empty()) {
      out += "None.\n\n";
      continue;
    }
    out += section.header;
    size_t added = 0;
    for (const std::string& row : section.rows) {
      if (out.size() + row.size() + reserve > limit) break;
      out += row;
      ++added;
    }
    if (added < section.rows.size()) {
      out += "\n... and " + std::to_string(section.rows.size() - added) + " more " + section.what +
             " (all of them are in the gate's JSON report).\n";
    }
    out += "\n";
  }
  return out.size() <= limit ? out : TruncateUtf8(out, limit);
}

}  // namespace nsm
