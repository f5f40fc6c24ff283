#include "reports/html/html_writer.h"

#include <string>
#include <string_view>

#include "reports/document_view.h"
#include "reports/html/html_assets.h"
#include "reports/html/html_parts.h"
#include "reports/html/kernel_html.h"
#include "reports/json_access.h"

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
