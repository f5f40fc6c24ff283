#include "reports/html/compare_html.h"

#include <vector>

#include "reports/compare_markdown.h"
#include "reports/html/html_assets.h"
#include "reports/html/html_parts.h"
#include "reports/html/html_writer.h"

namespace nsm {
namespace {

using html_parts::A;
using html_parts::E;

std::string Count(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// <th> for each run, for a table whose first columns are `fixed`.
std::string HeadRow(const std::vector<const char*>& fixed, const Comparison& c) {
  std::string out = "<thead><tr>";
  for (const char* name : fixed) out += "<th>" + std::string(name) + "</th>";
  for (const CompareRun& run : c.runs) out += "<th>" + E(run.label) + "</th>";
  return out + "</tr></thead>\n<tbody>\n";
}

// " class=\"chg\"" when `differs` (from the first run's value).
std::string Changed(bool differs) {
  return differs ? " class=\"chg\"" : "";
}

void RenderRuns(const Comparison& c, std::string& out) {
  out +=
      "<section id=\"runs\">\n<h2>Runs</h2>\n<table class=\"t\">\n<thead><tr><th>run</th>"
      "<th>file</th><th>kernel</th><th>mode</th><th>options</th><th>generated</th>"
      "<th class=\"n\">cells</th><th class=\"n\">pass</th><th class=\"n\">fail</th>"
      "<th class=\"n\">skip</th></tr></thead>\n<tbody>\n";
  for (const CompareRun& r : c.runs) {
    std::string kernel = "<code>" + E(r.kernel_release) + "</code><br><span class=\"muted\">" +
                         E(r.kernel_version) + "</span>";
    if (!r.vm_kernel_path.empty() || !r.vm_kernel_release.empty()) {
      kernel += "<br>VM kernel: <code>" + E(r.vm_kernel_path) + "</code>";
      if (!r.vm_kernel_release.empty()) kernel += " (" + E(r.vm_kernel_release) + ")";
    }
    out += "<tr><th>" + E(r.label) + "</th><td><code>" + E(r.file) + "</code></td><td>" + kernel +
           "</td><td>" + E(r.mode) + "</td><td>" + E(r.options) + "</td><td>" + E(r.generated_at) +
           "</td><td class=\"n\">" + std::to_string(r.totals.cells) + "</td><td class=\"n\">" +
           std::to_string(r.totals.pass) + "</td><td class=\"n" +
           (r.totals.fail > 0 ? " failn" : "") + "\">" + std::to_string(r.totals.fail) +
           "</td><td class=\"n\">" + std::to_string(r.totals.skip) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
}

void RenderKernelChecks(const Comparison& c, std::string& out) {
  out += "<section id=\"kernel-checks\">\n<h2>Kernel checks that differ</h2>\n";
  if (c.kernel_checks.empty()) {
    out += "<p>None.</p>\n</section>\n";
    return;
  }
  out += "<table class=\"t\">\n" + HeadRow({"namespace", "as"}, c);
  for (const KernelCheckRow& row : c.kernel_checks) {
    out += "<tr><td>" + E(row.type) + "</td><td>" + E(row.as) + "</td>";
    std::string first = KernelCheckSummary(row.runs[0]);
    for (const auto& value : row.runs) {
      std::string summary = KernelCheckSummary(value);
      out += "<td" + Changed(summary != first) + ">";
      bool bad = value && value->status != "usable";
      out += bad ? "<span class=\"failn\">" + E(summary) + "</span>" : E(summary);
      if (value && (!value->cause.empty() || (bad && !value->detail.empty()))) {
        std::string why = value->detail;
        if (!value->cause.empty()) why += (why.empty() ? "" : ". ") + ("Cause: " + value->cause);
        out += "<div class=\"dt\">" + E(why) + "</div>";
      }
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
}

void RenderKernelSettings(const Comparison& c, std::string& out) {
  out += "<section id=\"kernel-settings\">\n<h2>Kernel settings that differ</h2>\n";
  if (c.kernel_settings.empty()) {
    out += "<p>None.</p>\n</section>\n";
    return;
  }
  out += "<table class=\"t\">\n" + HeadRow({"setting"}, c);
  for (const KernelSettingRow& row : c.kernel_settings) {
    out += "<tr><td><code>" + E(row.name) + "</code></td>";
    for (const auto& value : row.values) {
      bool differs = value != row.values[0];
      out += "<td" + Changed(differs) + ">" +
             (value ? E(*value) : std::string("<span class=\"muted\">(not known)</span>")) +
             "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
}

void RenderCells(const Comparison& c, std::string& out) {
  out += "<section id=\"cells\">\n<h2>Cells that differ</h2>\n";
  if (c.cells.empty()) {
    out += "<p>None.</p>\n</section>\n";
    return;
  }
  out +=
      "<p>Outcome and verdict in each run, then the evidence. A value unlike the first "
      "run's is marked on its left.</p>\n<table class=\"t\" id=\"cell-table\">\n" +
      HeadRow({"combination", "probe"}, c);
  for (const CompareCellRow& row : c.cells) {
    out += "<tr><td><code>" + E(row.combination) + "</code></td><td><code>" + E(row.probe) +
           "</code></td>";
    std::string first = CellSummary(row.runs[0]);
    for (const auto& value : row.runs) {
      std::string summary = CellSummary(value);
      out += "<td" + Changed(summary != first);
      if (!value) {
        out += "><span class=\"c x\">absent</span></td>";
        continue;
      }
      out += " title=\"" + A("expected " + value->expected + ": " + value->detail) + "\">" +
             OutcomeChip(value->outcome) + " " +
             (value->verdict == "fail" ? "<span class=\"failn\">fail</span>" : E(value->verdict));
      if (!value->detail.empty()) out += "<div class=\"dt\">" + E(value->detail) + "</div>";
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string RenderCompareHtml(const Comparison& c) {
  std::vector<std::string> labels;
  for (const CompareRun& run : c.runs) labels.push_back(run.label);
  std::string out;
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n<title>nsmatrix comparison: ";
  std::string title;
  for (size_t i = 0; i < labels.size(); ++i) title += (i ? " | " : "") + labels[i];
  out += E(title) + "</title>\n<style>";
  out += html_assets::kStyle;
  out += html_assets::kCompareStyle;
  out += "</style>\n</head>\n<body>\n<h1>nsmatrix comparison</h1>\n";
  std::string runs = Count(c.runs.size(), "run", "runs");
  if (c.Identical()) {
    out +=
        "<div class=\"alert good\" id=\"verdict\">No differences: every cell, kernel check "
        "and kernel setting is the same in the " +
        runs + ".</div>\n";
  } else {
    out += "<div class=\"alert bad\" id=\"verdict\">" + E(CompareVerdict(c)) + " between the " +
           runs + " (listed first; what is the same everywhere is only counted).</div>\n";
  }
  for (const std::string& note : c.notes) out += "<p class=\"note\">" + E(note) + "</p>\n";
  out +=
      "<nav><a href=\"#runs\">Runs</a><a href=\"#kernel-checks\">Kernel checks</a>"
      "<a href=\"#kernel-settings\">Kernel settings</a><a href=\"#cells\">Cells</a>"
      "<a href=\"#identical\">Identical</a></nav>\n";
  RenderRuns(c, out);
  RenderKernelChecks(c, out);
  RenderKernelSettings(c, out);
  RenderCells(c, out);
  out += "<section id=\"identical\">\n<h2>Identical in all runs</h2>\n<ul>\n<li>" +
         Count(c.same_cells, "cell", "cells") + " (same outcome and verdict)</li>\n<li>" +
         Count(c.same_kernel_checks, "kernel check", "kernel checks") +
         " (namespace type as root or unprivileged: same status and gate)</li>\n<li>" +
         Count(c.same_kernel_settings, "kernel setting", "kernel settings") +
         " (config options, sysctls, security modules)</li>\n</ul>\n</section>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace nsm
