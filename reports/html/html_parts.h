// The HTML report's parts (internal to nsm_html): text and outcome helpers,
// the document arranged for rendering (html_parts.cc), and one renderer per
// section of the page (html_sections.cc, html_matrix.cc). html_writer.cc puts
// the page together.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "reports/document_view.h"

namespace nsm::html_parts {

using nlohmann::json;

// --- text ------------------------------------------------------------------
const json& EmptyObject();
// The member `key` of `obj`, or null.
const json& Member(const json& obj, const char* key);
std::string E(std::string_view text);  // EscapeHtml for text
std::string A(std::string_view text);  // EscapeHtml for an attribute value
// Any value as one line of text: arrays joined by ", ", objects as "key: value; ...".
std::string ValueText(const json& value);
// A duration with two decimals ("0.27"), or the value as text when it is not a number.
std::string Seconds(const json& value);
std::string Plural(long long n, std::string_view one, std::string_view many);
void KeyValue(std::string_view key, std::string_view html_value, std::string& out);
// The members of `obj` not in `known`, as escaped <dt>/<dd> pairs in key order.
void ExtraKeyValues(const json& obj, std::initializer_list<std::string_view> known,
                    std::string& out);

// --- outcomes --------------------------------------------------------------
// How an outcome looks: class, symbol in matrix cells, short label, meaning.
struct OutcomeStyle {
  std::string_view name, cls, symbol, label, meaning;
};
inline constexpr OutcomeStyle kOutcomes[] = {
    {"isolated", "i", "✓", "iso", "isolated: the probe could not see or change the host"},
    {"leaked", "l", "✗", "LEAK", "leaked: the probe saw or changed the host"},
    {"unsupported", "u", "–", "n/a", "unsupported: cannot run on this kernel or setup"},
    {"refused", "r", "⊘", "REF", "refused: the container runtime would not make this container"},
    {"error", "e", "!", "ERR", "error: the probe did not produce a result"},
};
inline constexpr OutcomeStyle kUnknownOutcome{"?", "x", "?", "?", "unknown outcome"};
// `refused` belongs to runs under a container runtime: other reports keep
// their four outcomes.
bool Shown(const OutcomeStyle& style, bool runtime);
bool MadeByRuntime(const json& doc);
const OutcomeStyle& StyleOf(std::string_view outcome);

// --- the document, arranged -------------------------------------------------
// A combination's namespaces: its first cell's "namespaces", else its name split on '+'.
using Combination = CombinationView;  // document_view.h
// The canonical namespaces, then any other name the cells use, in first-appearance order.
std::vector<std::string> NamespaceOrder(const std::vector<Combination>& combinations);
using ProbeInfo = ProbeSummary;  // document_view.h

// --- sections, in page order ------------------------------------------------
void RenderHeader(const json& doc, const json& gate, const Totals& t,
                  const std::vector<ProbeInfo>& probes, std::string& out);
void RenderHostAndOptions(const json& doc, std::string& out);
void RenderTotals(const Totals& t, bool runtime, std::string& out);
void RenderGate(const json& gate, std::string& out);
void RenderProbes(const std::vector<ProbeInfo>& probes, std::string& out);
void RenderFailures(const json& doc, std::string& out);
void RenderMatrix(const json& doc, const std::vector<ProbeInfo>& probes, std::string& out);

}  // namespace nsm::html_parts
