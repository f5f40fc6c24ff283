// Reading a TOML document (toml++) into values, with errors that say where and
// what was expected: "FILE:LINE:COLUMN: KEY: expected ..., got ...". The
// scenario loader's (scenario.cc).
#pragma once

#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/result.h"
#include "harness/common/strings.h"

namespace nsm::toml_reader {

// A string as it would be written in TOML, so messages show exactly what the file holds.
std::string Quote(std::string_view text);
// What a node holds, for "got ...": a quoted string, "integer 3", "an array", ...
std::string Describe(const toml::node& node);

// "\"a\", \"b\", or \"c\"".
template <typename Range>
std::string QuotedAlternatives(const Range& words) {
  std::vector<std::string> quoted;
  for (std::string_view word : words) quoted.push_back(Quote(word));
  if (quoted.size() <= 1) return Join(quoted, "");
  std::string head = Join(std::vector<std::string>(quoted.begin(), quoted.end() - 1), ", ");
  return head + (quoted.size() == 2 ? " or " : ", or ") + quoted.back();
}

// The spellings of every value of an option's enum, in its order.
template <typename Enum, size_t N>
std::vector<std::string_view> Names(const Enum (&values)[N]) {
  std::vector<std::string_view> names;
  for (Enum value : values) names.push_back(Name(value));
  return names;
}

// Turns nodes into values, or into errors that say where and what was expected.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  std::string Where(const toml::source_region& region) const;  // FILE:LINE:COLUMN
  std::string Line(const toml::source_region& region) const;   // FILE:LINE

  // "FILE:LINE:COLUMN: KEY: WHAT"
  std::unexpected<Error> Bad(const toml::source_region& region, std::string_view key,
                             std::string_view what) const;
  std::unexpected<Error> Expected(const toml::node& node, std::string_view key,
                                  std::string_view expected) const;

  template <typename Range>
  Status OnlyKeys(const toml::table& table, std::string_view prefix, const Range& allowed) const {
    for (auto&& [key, value] : table) {
      if (std::find(std::begin(allowed), std::end(allowed), key.str()) != std::end(allowed)) {
        continue;
      }
      std::vector<std::string_view> names(std::begin(allowed), std::end(allowed));
      return Bad(key.source(), std::string(prefix) + std::string(key.str()),
                 "unknown key (expected one of " + Join(names, ", ") + ")");
    }
    return {};
  }

  // The node at `key`, or an error pointing at the table that lacks it.
  Result<const toml::node*> Required(const toml::table& table, std::string_view prefix,
                                     std::string_view key) const;
  Result<std::string> String(const toml::node& node, std::string_view key,
                             std::string_view expected = "a string") const;
  Result<std::string> NonEmptyString(const toml::node& node, std::string_view key,
                                     std::string_view expected) const;
  Result<int64_t> Integer(const toml::node& node, std::string_view key, int64_t min, int64_t max,
                          std::string_view expected) const;
  // A non-empty array of strings; each element's node is returned for its position.
  Result<std::vector<const toml::node*>> StringArray(const toml::node& node, std::string_view key,
                                                     std::string_view what) const;

  static std::string Index(std::string_view key, size_t i);  // "key[i]"

 private:
  std::string path_;
};

}  // namespace nsm::toml_reader
