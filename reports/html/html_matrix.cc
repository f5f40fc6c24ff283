// The matrix: its legend, the filter form the script drives, and the table.
#include "harness/common/strings.h"
#include "reports/html/html_parts.h"
#include "reports/html/html_writer.h"
#include "reports/json_access.h"

namespace nsm::html_parts {
namespace {
namespace ja = json_access;

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

}  // namespace

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

}  // namespace nsm::html_parts
