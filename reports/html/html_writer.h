// The browsable report: one self-contained HTML file rendered from a "nsmatrix/1"
// document, readable without JavaScript and filterable with it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace nsm {

// Renders the whole report as ONE self-contained HTML file from the JSON document
// ("schema": "nsmatrix/1", see reports/nsmatrix.schema.json): header, host, options,
// totals with a PASSED/FAILED banner, the per-probe summary (isolated_count, cell_count,
// isolated_by and anomalies from the probe entries when present, else computed with
// AnalyzeProbes()), every failing cell, and the full matrix (rows = combinations in order
// of first appearance, columns = probes in doc["probes"] order) with a legend.
//
// `gate` is optional (null when absent): a gate comparison object
//   {"baseline": {"generated_at", "kernel_release", "options"}, "current": {...},
//    "context_differences": ["..."], "regressions": [{"combination", "probe", "before",
//    "after", "kind", "detail"}], "improvements": [...], "allowed": [... + "reason"]}
// whose differences get their own section, regressions first.
//
// No external resources: inline <style> and <script> only. Every string taken from `doc`
// or `gate` is HTML-escaped (they may come from an untrusted container). The inline script
// filters the matrix; its state is read from and written to the URL fragment:
//   #probe=<id>,<id>&ns=+mnt,-pid&outcome=leaked&fail=1&q=uts
// and the number of matrix rows shown is in <span id="shown-rows">.
// Output depends on the inputs alone; missing or mistyped fields render as "?".
std::string RenderHtml(const nlohmann::json& doc, const nlohmann::json& gate = nullptr);

// A coloured chip with symbol and word for an outcome, e.g. <span class="c l">✗ leaked</span>
// ("?" for anything but a string); its classes are in the report's style sheet.
std::string OutcomeChip(const nlohmann::json& outcome);

// `text` escaped for HTML text and quoted attribute values: & < > " ' as entities, line
// breaks as "&#10;" when `attribute`, other control and bidirectional characters as
// AppendStandIn (reports/visible_text.h) puts them.
std::string EscapeHtml(std::string_view text, bool attribute = false);

}  // namespace nsm
