#include "reports/markdown_writer.h"

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/common/strings.h"
#include "reports/document_view.h"
#include "reports/json_access.h"
#include "reports/kernel_section.h"
#include "reports/markdown_text.h"
#include "reports/visible_text.h"

namespace nsm {
namespace {

using nlohmann::json;
namespace ja = json_access;

std::string OutcomeSymbol(std::string_view outcome) {
  if (outcome == "isolated") return "iso";
  if (outcome == "leaked") return "LEAK";
  if (outcome == "unsupported") return "n/a";
  if (outcome == "refused") return "REF";
  if (outcome == "error") return "ERR";
  return "?";
}

void RenderHost(const json& doc, std::string& out) {
  const json& h = ja::Object(doc, "host");
  std::string mode = ja::Text(h, "mode");
  out += "Host: Linux " + ja::Text(h, "kernel_release") + " on " + ja::Text(h, "architecture") +
         ", " + ja::Text(h, "cpus") + " CPUs; nsmatrix ran in mode " + MdCode(mode) + " (" +
         ModeMeaning(mode) + ").";
  if (std::string sandbox = ja::String(h, "sandbox"); !sandbox.empty()) out += " " + sandbox;
  out += "\n\n";
  if (const json* vm = ja::Find(doc, "vm"); vm && vm->is_object()) {
    // nsmatrix vm: the host above is a guest kernel; say which file and which QEMU.
    const json& k = ja::Object(*vm, "kernel");
    const json& q = ja::Object(*vm, "qemu");
    out += "Booted by `nsmatrix vm`: kernel " + MdCode(ja::Text(k, "path")) + " (sha256 " +
           MdCode(ja::Text(k, "sha256")) + ") under " + ja::Text(q, "version") + " (" +
           MdCode(ja::Text(q, "accelerator")) + ", " + ja::Text(q, "cpus") + " CPUs, " +
           ja::Text(q, "memory_mib") + " MiB); booted in " + ja::Text(*vm, "boot_seconds") +
           " s.\n\n";
  }
  const json& tool = ja::Object(doc, "tool");
  out += "Generated " + ja::Text(doc, "generated_at") + " by " +
         ja::Text(tool, "name", "nsmatrix") + " " + ja::Text(tool, "version") + " in " +
         ja::Text(doc, "duration_seconds") + " s.\n\n";
}

void RenderOptions(const json& doc, std::string& out) {
  const json& o = ja::Object(doc, "options");
  std::vector<std::string> probes;
  for (const json& id : ja::Array(o, "probes")) {
    probes.push_back(id.is_string() ? MdCode(id.get<std::string>()) : "?");
  }
  out += "Options: " + ja::Text(o, "combinations") + " combinations; probes " +
         (probes.empty() ? std::string("?") : Join(probes, ", ")) + "; user namespace map " +
         MdCode(ja::Text(o, "userns_map")) + "; jobs " + ja::Text(o, "jobs") + "; timeout " +
         ja::Text(o, "timeout_ms") + " ms; rootfs " + MdCode(ja::Text(o, "rootfs")) + ".\n\n";
  if (const json* runtime = ja::Find(doc, "runtime"); runtime && runtime->is_object()) {
    out += "Containers made by " + MdCode(ja::Text(*runtime, "name")) + " (" +
           ja::Text(*runtime, "version") + ", " + MdCode(ja::Text(*runtime, "path")) +
           "): it accepted " + ja::Text(*runtime, "accepted_combinations") + " of " +
           ja::Text(o, "combinations") + " combinations.";
    std::vector<std::string> left_out;
    for (const json& p : ja::Array(*runtime, "probes_not_run"))
      left_out.push_back(MdCode(ja::Text(p, "probe")) + " (" + ja::Text(p, "why") + ")");
    if (!left_out.empty()) out += " Not run under it: " + Join(left_out, "; ") + ".";
    out += "\n\n";
  }
}

}  // namespace

std::string RenderMarkdownVerdict(const json& doc) {
  Totals t = CountTotals(doc);
  Headline headline = HeadlineOf(t);
  std::string out = "**" + headline.word + "**: " + headline.text + ".\n\n";
  if (std::string mismatch = SummaryMismatch(t); !mismatch.empty())
    out += "> ⚠ " + mismatch + "\n\n";
  return out;
}

std::string RenderMarkdownTotals(const json& doc) {
  std::string out;
  Totals t = CountTotals(doc);
  out += "## Totals\n\n";
  out += MdRow({"cells", "pass", "fail", "skip"});
  out += MdRow({"---:", "---:", "---:", "---:"});
  out += MdRow({std::to_string(t.cells), std::to_string(t.pass), std::to_string(t.fail),
                std::to_string(t.skip)});
  out += "\nOutcomes: " + std::to_string(t.outcomes["isolated"]) + " isolated, " +
         std::to_string(t.outcomes["leaked"]) + " leaked, " +
         std::to_string(t.outcomes["unsupported"]) + " unsupported, " +
         (t.outcomes["refused"] > 0 ? std::to_string(t.outcomes["refused"]) + " refused, " : "") +
         std::to_string(t.outcomes["error"]) + " error.\n\n";
  return out;
}

namespace {

void RenderProbes(const json& doc, const std::vector<std::string>& ids, std::string& out) {
  std::vector<ProbeSummary> probes = SummarizeProbes(doc, ids);
  out += "## Probes\n\n";
  out += MdRow({"probe", "description", "isolated in", "isolated by", "failures"});
  out += MdRow({"---", "---", "---:", "---", "---:"});
  for (const ProbeSummary& p : probes) {
    out +=
        MdRow({MdCode(EscapeTableCell(p.id)),
               EscapeTableCell(p.entry ? ja::String(*p.entry, "description") : ""),
               EscapeTableCell(ScalarText(p.isolated_count) + " of " + ScalarText(p.cell_count)) +
                   " combinations",
               EscapeTableCell(RenderIsolatedBy(p.isolated_by)), std::to_string(p.failures)});
  }
  out += "\n";

  std::vector<std::string> anomalies;
  for (const ProbeSummary& p : probes) {
    for (const json& text : p.anomalies) {
      anomalies.push_back("- " + MdCode(p.id) + ": " +
                          (text.is_string() ? text.get<std::string>() : text.dump()));
    }
  }
  if (!anomalies.empty()) {
    out += "Anomalies (adding a namespace broke isolation):\n\n" + Join(anomalies, "\n") + "\n\n";
  }
}

void RenderFailures(const json& doc, std::string& out) {
  out += "## Failures\n\n";
  std::vector<std::string> rows;
  for (const json& cell : ja::Array(doc, "cells")) {
    if (!IsFailingCell(cell)) continue;
    rows.push_back(MdRow({EscapeTableCell(ja::Text(cell, "combination")),
                          MdCode(EscapeTableCell(ja::Text(cell, "probe"))),
                          EscapeTableCell(ja::Text(cell, "expected")),
                          EscapeTableCell(ja::Text(cell, "outcome")),
                          EscapeTableCell(ja::String(cell, "detail"))}));
  }
  if (rows.empty()) {
    out += "None.\n\n";
    return;
  }
  out += MdRow({"combination", "probe", "expected", "observed", "detail"});
  out += MdRow({"---", "---", "---", "---", "---"});
  out += Join(rows, "") + "\n";
}

void RenderMatrix(const json& doc, const std::vector<std::string>& ids, std::string& out) {
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> symbols;
  for (const json& cell : ja::Array(doc, "cells")) {
    std::string symbol = OutcomeSymbol(ja::String(cell, "outcome"));
    if (IsFailingCell(cell)) symbol += " ✗";
    symbols[{ja::String(cell, "combination", "?"), ja::String(cell, "probe", "?")}].push_back(
        symbol);
  }

  out += "## Matrix\n\n";
  out +=
      "Legend: `iso` isolated (the probe could not see the host), `LEAK` leaked (it could), "
      "`n/a` unsupported, " +
      std::string(ja::Find(doc, "runtime") ? "`REF` refused by the container runtime, " : "") +
      "`ERR` error, `-` not run; a trailing ✗ marks a failed cell "
      "(observed outcome differs from the expected one).\n\n";
  std::vector<std::string> header = {"combination"};
  for (const std::string& id : ids) header.push_back(EscapeTableCell(id));
  out += MdRow(header);
  out += MdRow(std::vector<std::string>(header.size(), "---"));
  for (const CombinationView& view : CombinationOrder(doc)) {
    const std::string& combination = view.name;
    std::vector<std::string> row = {EscapeTableCell(combination)};
    for (const std::string& id : ids) {
      auto it = symbols.find({combination, id});
      row.push_back(it == symbols.end() ? "-" : Join(it->second, " / "));
    }
    out += MdRow(row);
  }
}

}  // namespace

std::string EscapeTableCell(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    auto starts_entity = [&] {
      return i + 1 < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '#');
    };
    if (c == '|' || c == '\\' || c == '[' || c == ']') {
      out += '\\';  // a table's column, an escape, a link or image: shown as the character
      out += c;
    } else if (c == '<') {
      out += "&lt;";  // no HTML tag reaches a viewer that renders raw HTML
    } else if (c == '&' && starts_entity()) {
      out += "&amp;";  // "&lt;" in the text stays "&lt;"; "user & !map_root" stays as it is
    } else if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') out += "<br>";
    } else if (c == '\n') {
      out += "<br>";
    } else if (size_t replaced = AppendStandIn(text, i, out)) {
      i += replaced - 1;
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderIsolatedBy(const json& isolated_by) {
  if (!isolated_by.is_array()) return "?";
  if (isolated_by.empty()) return "nothing";
  std::vector<std::string> sets;
  for (const json& set : isolated_by) {
    std::vector<std::string> names;
    if (set.is_array()) {
      for (const json& name : set)
        names.push_back(name.is_string() ? name.get<std::string>() : "?");
    }
    sets.push_back(names.empty() ? "{} (no namespace needed)" : "{" + Join(names, ", ") + "}");
  }
  return Join(sets, " or ");
}

std::string RenderMarkdown(const json& doc) {
  std::string out = "# nsmatrix isolation matrix\n\n";
  RenderHost(doc, out);
  RenderOptions(doc, out);
  out += RenderMarkdownTotals(doc);
  out += RenderMarkdownVerdict(doc);
  std::vector<std::string> ids = ProbeOrder(doc);
  RenderProbes(doc, ids, out);
  RenderFailures(doc, out);
  if (doc.contains("kernel")) out += RenderKernelMarkdown(doc["kernel"]);
  RenderMatrix(doc, ids, out);
  return out;
}

}  // namespace nsm
