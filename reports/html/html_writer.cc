#include "reports/html/html_writer.h"

#include <string>
#include <string_view>

#include "reports/document_view.h"
#include "reports/html/html_assets.h"
#include "reports/html/html_parts.h"
#include "reports/html/kernel_html.h"
#include "reports/json_access.h"
#include "reports/visible_text.h"

namespace nsm {

using nlohmann::json;
using namespace html_parts;
namespace ja = json_access;

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
    if (size_t replaced = AppendStandIn(text, i, out)) {
      i += replaced - 1;
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

std::string RenderHtml(const json& doc, const json& gate) {
  Totals totals = CountTotals(doc);
  std::vector<ProbeInfo> probes = SummarizeProbes(doc, ProbeOrder(doc));
  const json& host = ja::Object(doc, "host");

  std::string out;
  out.reserve(64 * 1024 + ja::Array(doc, "cells").size() * 160);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n<title>nsmatrix: ";
  out += HeadlineOf(totals).word;
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
