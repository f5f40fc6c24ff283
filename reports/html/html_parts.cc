#include "reports/html/html_parts.h"

#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "harness/common/strings.h"
#include "reports/html/html_writer.h"
#include "reports/json_access.h"

namespace nsm::html_parts {
namespace {

namespace ja = json_access;

constexpr std::string_view kCanonicalNamespaces[] = {"mnt", "uts",  "ipc",    "net",
                                                     "pid", "user", "cgroup", "time"};

}  // namespace

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

}  // namespace nsm::html_parts
