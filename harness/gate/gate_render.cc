// The gate's result as JSON, terminal text and Markdown.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/strings.h"
#include "harness/gate/gate.h"
#include "reports/json_access.h"
#include "reports/markdown_text.h"
#include "reports/markdown_writer.h"
#include "reports/step_summary.h"
#include "reports/visible_text.h"

namespace nsm {
namespace {

using nlohmann::json;
namespace ja = json_access;

// A detail in a Markdown table is cut to this many bytes.
constexpr size_t kMarkdownDetailLimit = 500;
// Room kept for headings and "... and N more" lines while Markdown rows are added.
constexpr size_t kMarkdownReserve = 512;

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
// DEL, C1: a hostile detail must not drive the terminal) become \xNN, and
// characters that reorder text U+FFFD (AppendStandIn).
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
    } else if (size_t replaced = AppendStandIn(text, i, out)) {
      i += replaced - 1;  // a character that reorders the line: U+FFFD
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

std::string MarkdownRow(const GateDifference& d, bool with_reason) {
  std::string detail = d.detail;
  if (detail.size() > kMarkdownDetailLimit) {
    detail = TruncateUtf8(detail, kMarkdownDetailLimit) + "...";
  }
  std::vector<std::string> cells = {
      EscapeTableCell(d.combination), MdCode(EscapeTableCell(d.probe)),
      EscapeTableCell(d.before + " → " + d.after), EscapeTableCell(d.kind)};
  if (with_reason) cells.push_back(EscapeTableCell(d.reason));
  cells.push_back(EscapeTableCell(detail));
  return MdRow(cells);
}

struct MarkdownSection {
  std::string heading;  // "## Regressions\n\n"
  std::string header;   // the table's header and delimiter rows
  std::vector<std::string> rows;
  std::string what;  // "regressions"
};

}  // namespace

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

  const std::string diff_header = MdRow({"combination", "probe", "outcome", "kind", "detail"}) +
                                  MdRow({"---", "---", "---", "---", "---"});
  MarkdownSection sections[] = {
      {"## Regressions\n\n", diff_header, {}, "regressions"},
      {"## Allowed regressions\n\n",
       MdRow({"combination", "probe", "outcome", "kind", "reason", "detail"}) +
           MdRow({"---", "---", "---", "---", "---", "---"}),
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
