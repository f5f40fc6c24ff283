// The report's sections above the matrix: header, host and options, totals, gate,
// probes, failures.
#include <algorithm>

#include "harness/common/strings.h"
#include "reports/html/html_parts.h"
#include "reports/html/html_writer.h"
#include "reports/json_access.h"
#include "reports/markdown_writer.h"  // RenderIsolatedBy

namespace nsm::html_parts {
namespace {
namespace ja = json_access;
}  // namespace

void RenderHeader(const json& doc, const json& gate, const Totals& t,
                  const std::vector<ProbeInfo>& probes, std::string& out) {
  const json& tool = ja::Object(doc, "tool");
  out += "<header>\n<h1>nsmatrix isolation matrix</h1>\n";
  Headline headline = HeadlineOf(t);
  bool passed = headline.verdict == RunVerdict::kPassed;
  out += std::string("<p class=\"banner ") + (passed ? "pass" : "fail") + "\" id=\"verdict\">" +
         (passed ? "✓ " : "✗ ") + headline.word + ": " + E(headline.text) + "</p>\n";
  if (std::string mismatch = SummaryMismatch(t); !mismatch.empty())
    out += "<p class=\"alert bad\">⚠ " + E(mismatch) + "</p>\n";
  if (gate.is_object()) {
    size_t regressions = ja::Array(gate, "regressions").size();
    if (regressions > 0) {
      out += "<p class=\"alert bad\">✗ Gate: " +
             Plural(static_cast<long long>(regressions), "regression", "regressions") +
             " against the baseline. <a href=\"#gate\">See the gate section.</a></p>\n";
    } else {
      out +=
          "<p class=\"alert good\">✓ Gate: no regressions against the baseline. "
          "<a href=\"#gate\">See the gate section.</a></p>\n";
    }
  }
  long long anomalies = 0;
  for (const ProbeInfo& p : probes) anomalies += static_cast<long long>(p.anomalies.size());
  if (anomalies > 0) {
    out += "<p class=\"alert\">⚠ " + Plural(anomalies, "anomaly", "anomalies") +
           ": adding a namespace made a probe leak. <a href=\"#anomalies\">See the list.</a></p>\n";
  }
  out += "<p class=\"meta\">Generated <time>" + E(ja::Text(doc, "generated_at")) + "</time> by " +
         E(ja::Text(tool, "name", "nsmatrix")) + " " + E(ja::Text(tool, "version")) + " in " +
         E(Seconds(Member(doc, "duration_seconds"))) + " s.</p>\n";
  out += "<nav><a href=\"#host\">Host</a><a href=\"#totals\">Totals</a>";
  if (gate.is_object()) out += "<a href=\"#gate\">Gate</a>";
  out +=
      "<a href=\"#probes\">Probes</a><a href=\"#failures\">Failures</a>"
      "<a href=\"#matrix\">Matrix</a></nav>\n</header>\n";
}

void RenderHostAndOptions(const json& doc, std::string& out) {
  const json& h = ja::Object(doc, "host");
  const json& o = ja::Object(doc, "options");
  out += "<div class=\"cols\">\n<section id=\"host\">\n<h2>Host</h2>\n<dl class=\"kv\">\n";
  std::string kernel = "Linux " + E(ja::Text(h, "kernel_release"));
  if (std::string version = ja::String(h, "kernel_version"); !version.empty()) {
    kernel += " <span class=\"muted\">" + E(version) + "</span>";
  }
  KeyValue("kernel", kernel, out);
  KeyValue("architecture", E(ja::Text(h, "architecture")), out);
  KeyValue("CPUs", E(ja::Text(h, "cpus")), out);
  KeyValue("hostname", "<code>" + E(ja::Text(h, "hostname")) + "</code>", out);
  std::string mode = ja::Text(h, "mode");
  KeyValue("mode", "<code>" + E(mode) + "</code> (" + ModeMeaning(mode) + ")", out);
  ExtraKeyValues(
      h,
      {"kernel_release", "kernel_version", "architecture", "cpus", "hostname", "mode", "sandbox"},
      out);
  if (const json* vm = ja::Find(doc, "vm"); vm && vm->is_object()) {
    // nsmatrix vm: the host above is a guest kernel; say which file and which QEMU.
    const json& k = ja::Object(*vm, "kernel");
    const json& q = ja::Object(*vm, "qemu");
    KeyValue("kernel file", "<code>" + E(ja::Text(k, "path")) + "</code>", out);
    KeyValue("sha256", "<code>" + E(ja::Text(k, "sha256")) + "</code>", out);
    KeyValue("booted under",
             E(ja::Text(q, "version")) + " (<code>" + E(ja::Text(q, "accelerator")) + "</code>, " +
                 E(ja::Text(q, "cpus")) + " CPUs, " + E(ja::Text(q, "memory_mib")) + " MiB) in " +
                 E(ja::Text(*vm, "boot_seconds")) + " s",
             out);
  }
  out += "</dl>\n";
  if (std::string sandbox = ja::String(h, "sandbox"); !sandbox.empty()) {
    out += "<p class=\"note\" id=\"sandbox\">" + E(sandbox) + "</p>\n";
  }
  out += "</section>\n<section id=\"options\">\n<h2>Options</h2>\n<dl class=\"kv\">\n";
  KeyValue("combinations", E(ja::Text(o, "combinations")), out);
  std::vector<std::string> probe_ids;
  for (const json& id : ja::Array(o, "probes"))
    probe_ids.push_back("<code>" + E(ScalarText(id)) + "</code>");
  KeyValue("probes", probe_ids.empty() ? std::string("?") : Join(probe_ids, ", "), out);
  KeyValue("user namespace map", "<code>" + E(ja::Text(o, "userns_map")) + "</code>", out);
  KeyValue("jobs", E(ja::Text(o, "jobs")), out);
  KeyValue("timeout", E(ja::Text(o, "timeout_ms")) + " ms", out);
  KeyValue("rootfs", "<code>" + E(ja::Text(o, "rootfs")) + "</code>", out);
  if (const json* runtime = ja::Find(doc, "runtime"); runtime && runtime->is_object()) {
    std::string text = "<code>" + E(ja::Text(*runtime, "name")) + "</code> " +
                       E(ja::Text(*runtime, "version")) + " (<code>" +
                       E(ja::Text(*runtime, "path")) + "</code>), accepted " +
                       E(ja::Text(*runtime, "accepted_combinations")) + " of " +
                       E(ja::Text(o, "combinations")) + " combinations";
    std::vector<std::string> left_out;
    for (const json& p : ja::Array(*runtime, "probes_not_run")) {
      left_out.push_back("<code>" + E(ja::Text(p, "probe")) + "</code> (" + E(ja::Text(p, "why")) +
                         ")");
    }
    if (!left_out.empty()) text += "; not run under it: " + Join(left_out, ", ");
    KeyValue("runtime", text, out);
  }
  ExtraKeyValues(o, {"combinations", "probes", "userns_map", "jobs", "timeout_ms", "rootfs"}, out);
  out += "</dl>\n</section>\n</div>\n";
}

void RenderTotals(const Totals& t, bool runtime, std::string& out) {
  out +=
      "<section id=\"totals\">\n<h2>Totals</h2>\n<table class=\"t\" id=\"totals-table\">\n"
      "<thead><tr><th class=\"n\">cells</th><th class=\"n\">pass</th><th class=\"n\">fail</th>"
      "<th class=\"n\">skip</th>";
  for (const OutcomeStyle& style : kOutcomes) {
    if (!Shown(style, runtime)) continue;
    out += "<th class=\"n\"><span class=\"c " + std::string(style.cls) + "\">" +
           std::string(style.symbol) + " " + std::string(style.name) + "</span></th>";
  }
  out += "</tr></thead>\n<tbody><tr><td class=\"n\">" + std::to_string(t.cells) +
         "</td><td class=\"n\">" + std::to_string(t.pass) + "</td><td class=\"n" +
         (t.fail > 0 ? " failn" : "") + "\">" + std::to_string(t.fail) + "</td><td class=\"n\">" +
         std::to_string(t.skip) + "</td>";
  for (const OutcomeStyle& style : kOutcomes) {
    if (!Shown(style, runtime)) continue;
    out += "<td class=\"n\">" + std::to_string(t.outcomes.at(std::string(style.name))) + "</td>";
  }
  out += "</tr></tbody>\n</table>\n</section>\n";
}

namespace {

// One gate difference per row; `with_reason` adds the "reason" column of allowed entries.
void RenderGateEntries(const json& entries, bool with_reason, bool bad, std::string& out) {
  if (entries.empty()) {
    out += "<p>None.</p>\n";
    return;
  }
  out +=
      "<table class=\"t\">\n<thead><tr><th>combination</th><th>probe</th><th>before</th>"
      "<th>after</th><th>kind</th>";
  if (with_reason) out += "<th>reason</th>";
  out += "<th>detail</th></tr></thead>\n<tbody>\n";
  for (const json& entry : entries) {
    out += bad ? "<tr class=\"bad\">" : "<tr>";
    out += "<td class=\"mono\">" + E(ja::Text(entry, "combination")) + "</td><td><code>" +
           E(ja::Text(entry, "probe")) + "</code></td><td>" + OutcomeChip(Member(entry, "before")) +
           "</td><td>" + OutcomeChip(Member(entry, "after")) + "</td><td>" +
           E(ja::Text(entry, "kind")) + "</td>";
    if (with_reason) out += "<td>" + E(ja::Text(entry, "reason")) + "</td>";
    out += "<td class=\"d\">" + E(ja::String(entry, "detail")) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

}  // namespace

void RenderGate(const json& gate, std::string& out) {
  if (gate.is_null()) return;
  out += "<section id=\"gate\">\n<h2>Gate: comparison with the baseline</h2>\n";
  if (!gate.is_object()) {
    out +=
        "<p class=\"alert bad\">The gate comparison is not an object and cannot be shown.</p>\n"
        "</section>\n";
    return;
  }
  const json& regressions = ja::Array(gate, "regressions");
  const json& improvements = ja::Array(gate, "improvements");
  const json& allowed = ja::Array(gate, "allowed");
  const json& context = ja::Array(gate, "context_differences");
  if (!regressions.empty()) {
    out += "<p class=\"banner fail\" id=\"gate-verdict\">✗ " +
           Plural(static_cast<long long>(regressions.size()), "regression", "regressions") +
           " against the baseline</p>\n";
  } else {
    out +=
        "<p class=\"banner pass\" id=\"gate-verdict\">✓ No regressions against the "
        "baseline</p>\n";
  }
  out += "<p id=\"gate-counts\">" +
         Plural(static_cast<long long>(regressions.size()), "regression", "regressions") + ", " +
         Plural(static_cast<long long>(improvements.size()), "improvement", "improvements") + ", " +
         std::to_string(allowed.size()) + " allowed.</p>\n";
  if (!context.empty()) {
    out +=
        "<div class=\"alert\">⚠ The two runs differ in context, so some differences may "
        "not be caused by the code under test:\n<ul>\n";
    for (const json& item : context) out += "<li>" + E(ValueText(item)) + "</li>\n";
    out += "</ul>\n</div>\n";
  }
  const json& baseline = ja::Object(gate, "baseline");
  const json& current = ja::Object(gate, "current");
  out +=
      "<table class=\"t\">\n<thead><tr><th></th><th>baseline</th><th>current</th></tr></thead>\n"
      "<tbody>\n";
  auto row = [&](std::string_view label, const char* key) {
    out += "<tr><th>" + std::string(label) + "</th>";
    for (const json* side : {&baseline, &current}) {
      const json* value = ja::Find(*side, key);
      out += "<td>" + E(value ? ValueText(*value) : "?") + "</td>";
    }
    out += "</tr>\n";
  };
  row("generated at", "generated_at");
  row("kernel", "kernel_release");
  row("options", "options");
  out += "</tbody>\n</table>\n";
  out += "<h3 id=\"regressions\">Regressions (" + std::to_string(regressions.size()) + ")</h3>\n";
  RenderGateEntries(regressions, false, true, out);
  out +=
      "<h3 id=\"improvements\">Improvements (" + std::to_string(improvements.size()) + ")</h3>\n";
  RenderGateEntries(improvements, false, false, out);
  out += "<h3 id=\"allowed\">Allowed differences (" + std::to_string(allowed.size()) + ")</h3>\n";
  RenderGateEntries(allowed, true, false, out);
  out += "</section>\n";
}

void RenderProbes(const std::vector<ProbeInfo>& probes, std::string& out) {
  out +=
      "<section id=\"probes\">\n<h2>Probes</h2>\n<table class=\"t\" id=\"probe-table\">\n"
      "<thead><tr><th>probe</th><th>description</th><th>expected isolated by</th>"
      "<th class=\"n\">isolated in</th><th>isolated by (observed)</th><th>anomalies</th>"
      "<th class=\"n\">failures</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < probes.size(); ++i) {
    const ProbeInfo& p = probes[i];
    const json& entry = p.entry ? *p.entry : EmptyObject();
    out += "<tr id=\"p" + std::to_string(i) + "\"><td><code>" + E(p.id) + "</code></td><td>" +
           E(ja::String(entry, "description"));
    if (std::string why = ja::String(entry, "why"); !why.empty()) {
      out += "<br><span class=\"muted\">" + E(why) + "</span>";
    }
    out += "</td><td><code>" + E(ja::Text(entry, "isolated_when")) +
           "</code></td><td class=\"n\">" + E(ScalarText(p.isolated_count)) + " of " +
           E(ScalarText(p.cell_count)) + "</td><td>" + E(RenderIsolatedBy(p.isolated_by)) + "</td>";
    if (p.anomalies.empty()) {
      out += "<td>none</td>";
    } else {
      out += "<td class=\"warn\">⚠ " + std::to_string(p.anomalies.size()) + "</td>";
    }
    out += p.failures > 0 ? "<td class=\"n failn\">✗ " : "<td class=\"n\">";
    out += std::to_string(p.failures) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";
  bool any = false;
  for (const ProbeInfo& p : probes) any = any || !p.anomalies.empty();
  if (any) {
    out +=
        "<div class=\"alert\" id=\"anomalies\">⚠ Anomalies: adding a namespace made a probe "
        "leak\n<ul>\n";
    for (const ProbeInfo& p : probes) {
      for (const json& anomaly : p.anomalies) {
        const std::string text = ValueText(anomaly);
        out += "<li><code>" + E(p.id) + "</code>: " + E(text) + "</li>\n";
      }
    }
    out += "</ul>\n</div>\n";
  }
  out += "</section>\n";
}

void RenderFailures(const json& doc, std::string& out) {
  out += "<section id=\"failures\">\n<h2>Failures</h2>\n";
  std::string rows;
  long long count = 0;
  for (const json& cell : ja::Array(doc, "cells")) {
    if (!IsFailingCell(cell)) continue;
    ++count;
    rows += "<tr><td class=\"mono\">" + E(ja::Text(cell, "combination")) + "</td><td><code>" +
            E(ja::Text(cell, "probe")) + "</code></td><td>" +
            OutcomeChip(Member(cell, "expected")) + "</td><td>" +
            OutcomeChip(Member(cell, "outcome")) + "</td><td class=\"d\">" +
            E(ja::String(cell, "detail")) + "</td></tr>\n";
  }
  if (count == 0) {
    out +=
        "<p id=\"no-failures\">None: every cell's outcome was the expected one.</p>\n"
        "</section>\n";
    return;
  }
  out += "<p>" + Plural(count, "cell", "cells") +
         " whose observed outcome differs from the expected one.</p>\n"
         "<table class=\"t\" id=\"failure-table\">\n<thead><tr><th>combination</th><th>probe</th>"
         "<th>expected</th><th>observed</th><th>detail</th></tr></thead>\n<tbody>\n" +
         rows + "</tbody>\n</table>\n</section>\n";
}

}  // namespace nsm::html_parts
