#include "harness/gate/allow_list.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "harness/common/io.h"
#include "harness/common/namespaces.h"
#include "harness/common/outcome.h"
#include "harness/common/strings.h"

namespace nsm {
namespace {

constexpr const char* kHint =
    "each entry is an [[allow]] table with combination, probe, reason and optionally to; "
    "see harness/gate/allow-list.example.toml";
constexpr std::string_view kEntryKeys[] = {"combination", "probe", "to", "reason"};

// Capitals for the gate's kernel.config.<OPTION> names ("kernel.config.CONFIG_TIME_NS").
bool IsProbeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// A probe id ("pid.see_host") or a prefix of ids ending in '.' ("ipc.", "ns.").
bool IsProbePattern(std::string_view text) {
  if (text.empty() || !(text[0] >= 'a' && text[0] <= 'z')) return false;
  std::vector<std::string_view> parts = Split(text, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    if (parts[i].empty()) {
      if (last && i > 0) continue;  // the trailing '.' of a prefix
      return false;
    }
    if (!std::all_of(parts[i].begin(), parts[i].end(), IsProbeChar)) return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(const std::string& source) : source_(source) {}

  std::unexpected<Error> Bad(int line, const std::string& what) const {
    return Fail(EINVAL, "load allow list", source_ + ":" + std::to_string(line) + ": " + what,
                kHint);
  }

  // The line where `item` (a toml::node or toml::key) starts, or `fallback`.
  template <typename Item>
  static int LineOf(const Item& item, int fallback) {
    int line = static_cast<int>(item.source().begin.line);
    return line > 0 ? line : fallback;
  }

  // The members of `table` in the order they appear in the file.
  static std::vector<std::pair<const toml::key*, const toml::node*>> InFileOrder(
      const toml::table& table) {
    std::vector<std::pair<const toml::key*, const toml::node*>> members;
    for (auto&& [key, node] : table) members.emplace_back(&key, &node);
    std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) {
      return a.first->source().begin < b.first->source().begin;
    });
    return members;
  }

  Result<AllowList> Parse(const toml::table& root) {
    AllowList list;
    const toml::node* allow = nullptr;
    for (auto [key, node] : InFileOrder(root)) {
      if (key->str() != "allow") {
        return Bad(LineOf(*key, 1), "unknown key '" + std::string(key->str()) +
                                        "' (expected only [[allow]] tables)");
      }
      allow = node;
    }
    if (allow == nullptr) return list;
    const toml::array* entries = allow->as_array();
    if (entries == nullptr || !entries->is_array_of_tables()) {
      return Bad(LineOf(*allow, 1),
                 "'allow' must be an array of tables (expected [[allow]] entries, not " +
                     std::string(allow->is_table() ? "[allow]" : "a value") + ")");
    }
    for (const toml::node& node : *entries) {
      Result<AllowEntry> entry = ParseEntry(*node.as_table(), LineOf(node, LineOf(*allow, 1)));
      if (!entry) return std::unexpected(std::move(entry.error()));
      list.entries.push_back(std::move(*entry));
    }
    return list;
  }

 private:
  // The string member `name`: nullopt when absent, an Error when not a string.
  Result<std::optional<std::string>> StringMember(const toml::table& table, std::string_view name,
                                                  int line) {
    const toml::node* node = table.get(name);
    if (node == nullptr) return std::optional<std::string>();
    if (!node->is_string()) {
      return Bad(LineOf(*node, line), "'" + std::string(name) + "' must be a string (got " +
                                          std::string(TypeName(*node)) + ")");
    }
    return std::optional<std::string>(**node->as_string());
  }

  static std::string_view TypeName(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::table:
        return "a table";
      case toml::node_type::array:
        return "an array";
      case toml::node_type::integer:
      case toml::node_type::floating_point:
        return "a number";
      case toml::node_type::boolean:
        return "a boolean";
      default:
        return "a date or time";
    }
  }

  Result<AllowEntry> ParseEntry(const toml::table& table, int line) {
    for (auto [key, node] : InFileOrder(table)) {
      if (std::find(std::begin(kEntryKeys), std::end(kEntryKeys), key->str()) ==
          std::end(kEntryKeys)) {
        return Bad(LineOf(*key, line), "unknown key '" + std::string(key->str()) +
                                           "' in [[allow]] (expected combination, probe, to, "
                                           "reason)");
      }
    }
    AllowEntry entry;
    entry.line = line;

    Result<std::optional<std::string>> combination = StringMember(table, "combination", line);
    if (!combination) return std::unexpected(std::move(combination.error()));
    if (!*combination) {
      return Bad(line,
                 "[[allow]] entry without 'combination' (expected a combination such as "
                 "\"mnt+pid\" or \"none\", or \"*\" for all)");
    }
    int combination_line = LineOf(*table.get("combination"), line);
    if (**combination == "*") {
      entry.combination = "*";
    } else {
      Result<NsSet> set = NsSet::Parse(**combination);
      if (!set) {
        return Bad(combination_line, "bad combination \"" + **combination +
                                         "\": " + set.error().context + " (or \"*\" for all)");
      }
      entry.combination = set->ToString();
    }

    Result<std::optional<std::string>> probe = StringMember(table, "probe", line);
    if (!probe) return std::unexpected(std::move(probe.error()));
    if (!*probe) {
      return Bad(line,
                 "[[allow]] entry without 'probe' (expected a probe id such as "
                 "\"pid.see_host\", a prefix ending in '.' such as \"ipc.\", or \"*\")");
    }
    if (**probe != "*" && !IsProbePattern(**probe)) {
      return Bad(LineOf(*table.get("probe"), line),
                 "bad probe \"" + **probe +
                     "\" (expected a probe id such as \"pid.see_host\", a prefix ending in "
                     "'.' such as \"ipc.\", or \"*\")");
    }
    entry.probe = **probe;

    Result<std::optional<std::string>> to = StringMember(table, "to", line);
    if (!to) return std::unexpected(std::move(to.error()));
    if (*to) {
      if (!OutcomeFromName(**to)) {
        return Bad(LineOf(*table.get("to"), line),
                   "bad outcome \"" + **to +
                       "\" for 'to' (expected isolated, leaked, unsupported, refused or error)");
      }
      entry.to = **to;
    }

    Result<std::optional<std::string>> reason = StringMember(table, "reason", line);
    if (!reason) return std::unexpected(std::move(reason.error()));
    if (!*reason || Trim(**reason).empty()) {
      return Bad(*reason ? LineOf(*table.get("reason"), line) : line,
                 "[[allow]] entry without a reason (expected reason = \"...\", a non-empty "
                 "string saying why this regression is accepted)");
    }
    entry.reason = **reason;
    return entry;
  }

  const std::string& source_;
};

}  // namespace

Result<AllowList> ParseAllowList(std::string_view toml_text, const std::string& source) {
  Parser parser(source);
  toml::table root;
#if TOML_EXCEPTIONS
  try {
    root = toml::parse(toml_text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    return parser.Bad(static_cast<int>(e.source().begin.line),
                      "TOML syntax error at column " + std::to_string(e.source().begin.column) +
                          ": " + std::string(e.description()));
  }
#else
  toml::parse_result parsed = toml::parse(toml_text, std::string_view(source));
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    return parser.Bad(static_cast<int>(e.source().begin.line),
                      "TOML syntax error at column " + std::to_string(e.source().begin.column) +
                          ": " + std::string(e.description()));
  }
  root = std::move(parsed).table();
#endif
  return parser.Parse(root);
}

Result<AllowList> LoadAllowList(const std::string& path) {
  Result<std::string> text = ReadFile(path, kMaxInputFileBytes);
  if (!text) {
    return Fail(text.error().err, "load allow list", path + ": cannot read the file",
                "pass the path of an existing, readable TOML file");
  }
  return ParseAllowList(*text, path);
}

bool AllowEntryMatches(const AllowEntry& entry, std::string_view combination,
                       std::string_view probe, std::string_view after) {
  if (entry.combination != "*" && entry.combination != combination) {
    Result<NsSet> set = NsSet::Parse(combination);
    if (!set || set->ToString() != entry.combination) return false;
  }
  bool probe_matches =
      entry.probe == "*" || entry.probe == probe ||
      (!entry.probe.empty() && entry.probe.back() == '.' && probe.starts_with(entry.probe));
  if (!probe_matches) return false;
  return !entry.to || *entry.to == after;
}

const AllowEntry* FindAllowEntry(const AllowList& allow, std::string_view combination,
                                 std::string_view probe, std::string_view after) {
  for (const AllowEntry& entry : allow.entries) {
    if (AllowEntryMatches(entry, combination, probe, after)) return &entry;
  }
  return nullptr;
}

}  // namespace nsm
