#include "reports/html/html_writer.h"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/common/strings.h"
#include "reports/analysis.h"
#include "reports/document_view.h"
#include "reports/html/html_assets.h"
#include "reports/html/kernel_html.h"
#include "reports/json_access.h"
#include "reports/markdown_writer.h"

namespace nsm {
namespace {

using nlohmann::json;
namespace ja = json_access;

constexpr std::string_view kCanonicalNamespaces[] = {"mnt", "uts",  "ipc",    "net",
                                                     "pid", "user", "cgroup", "time"};

const json& EmptyObject() {
  static const json kEmpty = json::object();
  return kEmpty;
}

// The member `key` of `obj`, or null.
const json& Member(const json& obj, const char* key) {
  static const json kNull;
  const json* value = ja::Find(obj, key);
  return value ? *value : kNull;
}

std::string E(std::string_view text) {
  return EscapeHtml(text);
}
std::string A(std::string_view text) {
  return EscapeHtml(text, true);
}

// How an outcome looks: class, symbol in matrix cells, short label, meaning.
struct OutcomeStyle {
  std::string_view name, cls, symbol, label, meaning;
};
constexpr OutcomeStyle kOutcomes[] = {
    {"isolated", "i", "✓", "iso", "isolated: the probe could not see or change the host"},
    {"leaked", "l", "✗", "LEAK", "leaked: the probe saw or changed the host"},
    {"unsupported", "u", "–", "n/a", "unsupported: cannot run on this kernel or setup"},
    {"refused", "r", "⊘", "REF", "refused: the container runtime would not make this container"},
    {"error", "e", "!", "ERR", "error: the probe did not produce a result"},
};
constexpr OutcomeStyle kUnknownOutcome{"?", "x", "?", "?", "unknown outcome"};

// `refused` belongs to runs under a container runtime: other reports keep
// their four outcomes.
bool Shown(const OutcomeStyle& style, bool runtime) {
  return runtime || style.name != "refused";
}

bool MadeByRuntime(const json& doc) {
  return ja::Find(doc, "runtime") != nullptr;
}

const OutcomeStyle& StyleOf(std::string_view outcome) {
  for (const OutcomeStyle& style : kOutcomes) {
    if (style.name == outcome) return style;
  }
  return kUnknownOutcome;
}

// Any value as one line of text: arrays joined by ", ", objects as "key: value; ...".
std::string ValueText(const json& value) {
  if (value.is_array()) {
    std::vector<std::string> parts;
    for (const json& item : value) parts.push_back(ValueText(item));
    return Join(parts, ", ");
  }
  if (value.is_object()) {
    std::vector<std::string> parts;
    for (const auto& [key, item] : value.items()) parts.push_back(key + ": " + ValueText(item));
    return Join(parts, "; ");
  }
  return ScalarText(value);
}

// A duration with two decimals ("0.27"), or the value as text when it is not a number.
std::string Seconds(const json& value) {
  if (!value.is_number()) return ScalarText(value);
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", value.get<double>());
  return text;
}

std::string Plural(long long n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// A combination's namespaces: its first cell's "namespaces", else its name split on '+'.
struct Combination {
  std::string name;
  std::vector<std::string> namespaces;
};

std::vector<Combination> CombinationOrder(const json& doc) {
  std::vector<Combination> combinations;
  std::set<std::string> seen;
  for (const json& cell : ja::Array(doc, "cells")) {
    Combination c{ja::String(cell, "combination", "?"), {}};
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

// The canonical namespaces, then any other name the cells use, in first-appearance order.
std::vector<std::string> NamespaceOrder(const std::vector<Combination>& combinations) {
  std::vector<std::string> names(std::begin(kCanonicalNamespaces), std::end(kCanonicalNamespaces));
  std::set<std::string> seen(names.begin(), names.end());
  for (const Combination& c : combinations) {
    for (const std::string& name : c.namespaces) {
      if (seen.insert(name).second) names.push_back(name);
    }
  }
  return names;
}

bool Failed(const Totals& t) {
  return t.fail > 0 || t.failing_cells > 0;
}

// The probe's field `key` from doc["probes"] when present, else from the analysis.
const json& ProbeField(const json* probe, const json& analysis, const char* key) {
  const json* value = probe ? ja::Find(*probe, key) : nullptr;
  if (value) return *value;
  const json* computed = ja::Find(analysis, key);
  static const json kNull;
  return computed ? *computed : kNull;
}

struct ProbeInfo {
  std::string id;
  const json* entry = nullptr;  // in doc["probes"], or null when only cells name it
  json isolated_count, cell_count, isolated_by;
  std::vector<std::string> anomalies;
  long long failures = 0;
};

std::vector<ProbeInfo> CollectProbes(const json& doc, const std::vector<std::string>& ids) {
  std::map<std::string, const json*> entries;
  for (const json& probe : ja::Array(doc, "probes")) {
    entries.emplace(ja::String(probe, "id", "?"), &probe);
  }
  std::map<std::string, long long> failures;
  for (const json& cell : ja::Array(doc, "cells")) {
    if (IsFailingCell(cell)) ++failures[ja::String(cell, "probe", "?")];
  }
  json analysis = AnalyzeProbes(doc);
  std::vector<ProbeInfo> probes;
  for (const std::string& id : ids) {
    ProbeInfo info;
    info.id = id;
    auto entry = entries.find(id);
    info.entry = entry == entries.end() ? nullptr : entry->second;
    const json& computed = ja::Object(analysis, id.c_str());
    info.isolated_count = ProbeField(info.entry, computed, "isolated_count");
    info.cell_count = ProbeField(info.entry, computed, "cell_count");
    info.isolated_by = ProbeField(info.entry, computed, "isolated_by");
    const json& anomalies = ProbeField(info.entry, computed, "anomalies");
    if (anomalies.is_array()) {
      for (const json& text : anomalies) info.anomalies.push_back(ValueText(text));
    }
    info.failures = failures[id];
    probes.push_back(std::move(info));
  }
  return probes;
}

void KeyValue(std::string_view key, std::string_view html_value, std::string& out) {
  out += "<dt>" + std::string(key) + "</dt><dd>" + std::string(html_value) + "</dd>\n";
}

// The members of `obj` not in `known`, as escaped <dt>/<dd> pairs in key order.
void ExtraKeyValues(const json& obj, std::initializer_list<std::string_view> known,
                    std::string& out) {
  if (!obj.is_object()) return;
  for (const auto& [key, value] : obj.items()) {
    bool listed = false;
    for (std::string_view k : known) listed = listed || k == key;
    if (!listed) KeyValue(E(key), E(ValueText(value)), out);
  }
}

void RenderHeader(const json& doc, const json& gate, const Totals& t,
                  const std::vector<ProbeInfo>& probes, std::string& out) {
  const json& tool = ja::Object(doc, "tool");
  out += "<header>\n<h1>nsmatrix isolation matrix</h1>\n";
  if (Failed(t)) {
    out += "<p class=\"banner fail\" id=\"verdict\">✗ FAILED: " +
           std::to_string(std::max(t.fail, t.failing_cells)) + " of " + std::to_string(t.cells) +
           " cells failed</p>\n";
  } else {
    out += "<p class=\"banner pass\" id=\"verdict\">✓ PASSED: no cell failed (" +
           std::to_string(t.pass) + " passed, " + std::to_string(t.skip) + " skipped)</p>\n";
  }
  if (t.fail != t.failing_cells) {
    out += "<p class=\"alert bad\">⚠ The summary counts " +
           Plural(t.fail, "failing cell", "failing cells") + " but the cells list " +
           std::to_string(t.failing_cells) + ".</p>\n";
  }
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
      for (const std::string& text : p.anomalies) {
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

void RenderLegend(bool runtime, std::string& out) {
  out += "<ul class=\"legend\" id=\"legend\">\n";
  for (const OutcomeStyle& style : kOutcomes) {
    if (!Shown(style, runtime)) continue;
    out += "<li><span class=\"c " + std::string(style.cls) + "\">" + std::string(style.symbol) +
           "</span> <strong>" + std::string(style.label) + "</strong> " +
           std::string(style.meaning) + "</li>\n";
  }
  out +=
      "<li><span class=\"c x\">·</span> <strong>not run</strong></li>\n"
      "<li><span class=\"c l f\">✗*</span> <strong>* FAILED</strong> (bold outline): the outcome "
      "is not the expected one</li>\n</ul>\n"
      "<p class=\"muted\">Hover a cell for its evidence. Rows are combinations of new "
      "namespaces (<code>none</code>: the host's own), columns are probes.</p>\n";
}

void RenderFilterForm(const std::vector<std::string>& probe_ids,
                      const std::vector<std::string>& namespaces, bool runtime, std::string& out) {
  out +=
      "<form class=\"filters\" id=\"filters\" hidden>\n"
      "<fieldset><legend>Outcome</legend><select id=\"f-outcome\" aria-label=\"outcome\">"
      "<option value=\"\">any</option>";
  for (const OutcomeStyle& style : kOutcomes) {
    if (!Shown(style, runtime)) continue;
    out += "<option value=\"" + std::string(style.name) + "\">" + std::string(style.symbol) + " " +
           std::string(style.name) + "</option>";
  }
  out +=
      "</select> <label><input type=\"checkbox\" id=\"f-fail\"> failing cells only</label>"
      "</fieldset>\n<fieldset><legend>Namespaces in the combination</legend>";
  for (const std::string& ns : namespaces) {
    out += "<label>" + E(ns) + " <select data-ns=\"" + A(ns) +
           "\"><option value=\"\">any</option><option value=\"+\">with</option>"
           "<option value=\"-\">without</option></select></label>";
  }
  out +=
      "</fieldset>\n<fieldset><legend>Combination</legend><input type=\"search\" id=\"f-q\" "
      "placeholder=\"e.g. mnt+pid\" aria-label=\"search combinations\"></fieldset>\n"
      "<fieldset><legend>Probes</legend><details><summary><span id=\"shown-cols\">" +
      std::to_string(probe_ids.size()) + "</span> of " + std::to_string(probe_ids.size()) +
      " shown</summary><button type=\"button\" id=\"f-all\">all</button> "
      "<button type=\"button\" id=\"f-none\">none</button><div class=\"plist\">";
  for (const std::string& id : probe_ids) {
    out += "<label class=\"mono\"><input type=\"checkbox\" data-p value=\"" + A(id) +
           "\" checked> " + E(id) + "</label>";
  }
  out +=
      "</div></details></fieldset>\n"
      "<button type=\"button\" id=\"f-reset\">reset filters</button>\n</form>\n";
}

void RenderMatrix(const json& doc, const std::vector<ProbeInfo>& probes, std::string& out) {
  std::vector<Combination> combinations = CombinationOrder(doc);
  std::map<std::pair<std::string, std::string>, std::vector<const json*>> cells;
  for (const json& cell : ja::Array(doc, "cells")) {
    cells[{ja::String(cell, "combination", "?"), ja::String(cell, "probe", "?")}].push_back(&cell);
  }
  std::vector<std::string> probe_ids;
  for (const ProbeInfo& p : probes) probe_ids.push_back(p.id);

  out += "<section id=\"matrix\">\n<h2>Matrix</h2>\n";
  RenderLegend(MadeByRuntime(doc), out);
  RenderFilterForm(probe_ids, NamespaceOrder(combinations), MadeByRuntime(doc), out);
  out += "<p class=\"count\"><span id=\"shown-rows\">" + std::to_string(combinations.size()) +
         "</span> of " +
         Plural(static_cast<long long>(combinations.size()), "combination", "combinations") +
         " shown</p>\n<p id=\"no-rows\" hidden>No combination matches the filters.</p>\n"
         "<div class=\"mxw\">\n<table id=\"mx\">\n<thead><tr><th>combination</th>";
  for (size_t i = 0; i < probes.size(); ++i) {
    const json& entry = probes[i].entry ? *probes[i].entry : EmptyObject();
    out += "<th data-p=\"" + A(probes[i].id) + "\" title=\"" +
           A(probes[i].id + ": " + ja::String(entry, "description")) + "\"><a href=\"#p" +
           std::to_string(i) + "\">" + E(probes[i].id) + "</a></th>";
  }
  out += "</tr></thead>\n<tbody>";
  // Compact on purpose (256 x 25 cells): </td> and </tr> are implied, the evidence is only a
  // title attribute.
  for (const Combination& combination : combinations) {
    out +=
        "\n<tr data-ns=\"" + A(Join(combination.namespaces, " ")) + "\"><th>" + E(combination.name);
    for (const std::string& id : probe_ids) {
      auto it = cells.find({combination.name, id});
      if (it == cells.end()) {
        out += "<td class=x title=\"not run\">·";
        continue;
      }
      std::string symbols, title, cls;
      bool fail = false;
      for (const json* cell : it->second) {
        const OutcomeStyle& style = StyleOf(ja::String(*cell, "outcome"));
        if (cls.empty()) cls = style.cls;
        if (!symbols.empty()) symbols += "/";
        symbols += style.symbol;
        if (!title.empty()) title += "\n";
        if (IsFailingCell(*cell)) {
          fail = true;
          title += "FAILED: expected " + ja::Text(*cell, "expected") + ", observed " +
                   ja::Text(*cell, "outcome") + ". ";
        }
        title += ja::String(*cell, "detail");
      }
      out += fail ? "<td class=\"" + cls + " f\"" : "<td class=" + cls;
      out += " title=\"" + A(title) + "\">" + symbols + (fail ? "*" : "");
    }
  }
  out += "\n</tbody>\n</table>\n</div>\n</section>\n";
}

}  // namespace

std::string OutcomeChip(const json& value) {
  if (!value.is_string()) return "<span class=\"c x\">?</span>";
  std::string name = value.get<std::string>();
  const OutcomeStyle& style = StyleOf(name);
  return "<span class=\"c " + std::string(style.cls) + "\">" + std::string(style.symbol) + " " +
         E(name) + "</span>";
}

std::string EscapeHtml(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&#39;";
        continue;
      case '\t':
        out += '\t';
        continue;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') continue;
        [[fallthrough]];
      case '\n':
        out += attribute ? "&#10;" : "\n";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      // U+2400 + c (U+2421 for DEL): a visible stand-in for an invisible control character.
      unsigned int picture = c == 0x7f ? 0x2421 : 0x2400 + c;
      out += static_cast<char>(0xe0 | (picture >> 12));
      out += static_cast<char>(0x80 | ((picture >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (picture & 0x3f));
      continue;
    }
    // U+202A..U+202E (E2 80 AA..AE) and U+2066..U+2069 (E2 81 A6..A9) reorder the text
    // around them; a hostile detail could make "leaked" read as something else.
    if (c == 0xe2 && i + 2 < text.size()) {
      unsigned char b1 = static_cast<unsigned char>(text[i + 1]);
      unsigned char b2 = static_cast<unsigned char>(text[i + 2]);
      if ((b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) || (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9)) {
        out += "\xef\xbf\xbd";
        i += 2;
        continue;
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string RenderHtml(const json& doc, const json& gate) {
  Totals totals = CountTotals(doc);
  std::vector<ProbeInfo> probes = CollectProbes(doc, ProbeOrder(doc));
  const json& host = ja::Object(doc, "host");

  std::string out;
  out.reserve(64 * 1024 + ja::Array(doc, "cells").size() * 160);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n<title>nsmatrix: ";
  out += Failed(totals) ? "FAILED" : "PASSED";
  out += " – Linux " + E(ja::Text(host, "kernel_release")) + " " +
         E(ja::Text(host, "architecture")) + " – " + E(ja::Text(doc, "generated_at")) +
         "</title>\n<style>";
  out += html_assets::kStyle;
  out += "</style>\n</head>\n<body>\n";
  RenderHeader(doc, gate, totals, probes, out);
  RenderHostAndOptions(doc, out);
  RenderTotals(totals, MadeByRuntime(doc), out);
  RenderGate(gate, out);
  RenderProbes(probes, out);
  RenderFailures(doc, out);
  if (const json* kernel = ja::Find(doc, "kernel")) RenderKernelSection(*kernel, out);
  RenderMatrix(doc, probes, out);
  out += "<script>";
  out += html_assets::kScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace nsm
