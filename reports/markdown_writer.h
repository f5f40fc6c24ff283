// The human-readable report: a Markdown rendering of a "nsmatrix/1" document.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace nsm {

// Renders `doc` (see reports/nsmatrix.schema.json) as GitHub-flavoured Markdown:
// host, options, totals, a per-probe summary, the failing cells and the full matrix
// (one row per combination in order of first appearance, one column per probe).
// Uses the probes' isolated_count/cell_count/isolated_by when present, else computes
// them with AnalyzeProbes(). Output depends on `doc` alone; missing fields render as
// "?" rather than failing.
std::string RenderMarkdown(const nlohmann::json& doc);

// The "## Totals" section alone, its table and outcomes (also used by the
// GitHub step summary).
std::string RenderMarkdownTotals(const nlohmann::json& doc);
// The run's verdict, "**FAILED**: 2 of 12 cells failed." (HeadlineOf in
// document_view.h), and a warning when the summary's counts are not the
// cells'.
std::string RenderMarkdownVerdict(const nlohmann::json& doc);

// Text for a table cell (or a list item), which a container may have written:
// '|', '\', '[' and ']' escaped, '<' and an '&' that could start an entity as
// entities (no tag, nor link or image syntax, reaches a Markdown viewer; a
// viewer may still make a bare URL a link), line breaks as
// <br>, other control and bidirectional characters as AppendStandIn
// (visible_text.h) puts them (no escape sequence reaches a terminal).
std::string EscapeTableCell(std::string_view text);

// [] -> "nothing"; [["uts"], ["user"]] -> "{uts} or {user}"; [[]] -> "{} (no namespace needed)".
std::string RenderIsolatedBy(const nlohmann::json& isolated_by);

}  // namespace nsm
