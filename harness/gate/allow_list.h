// The gate's allow list: known regressions that do not fail the gate.
//
// A TOML file (example: harness/gate/allow-list.example.toml) holding only
// [[allow]] tables:
//
//   [[allow]]
//   combination = "mnt+pid"   # required: a combination ("none", names joined by '+'
//                             #   in any order; stored canonically) or "*" for all
//   probe = "pid.see_host"    # required: a probe id, a prefix ending in '.' ("ipc."),
//                             #   or "*" for all
//   to = "leaked"             # optional: only when the cell's new outcome is this one
//                             #   (isolated, leaked, unsupported, refused or error)
//   reason = "known: ..."     # required, non-empty: shown next to the allowed regression
//
// An entry allows every regression kind of the cells it matches (see gate.h); with
// `to` only those whose current outcome is `to` (so never cell-missing). The first
// matching entry gives the reason. Unknown keys, wrong types, an empty reason, a bad
// outcome or combination name, and TOML syntax errors are errors whose message starts
// with "path:line: " and says what was expected. An empty file allows nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/result.h"

namespace nsm {

struct AllowEntry {
  std::string combination;        // canonical name ("mnt+pid", "none") or "*"
  std::string probe;              // exact id, prefix ending in '.', or "*"
  std::optional<std::string> to;  // isolated | leaked | unsupported | refused | error
  std::string reason;
  int line = 0;  // of the entry's [[allow]] header in the file
};

struct AllowList {
  std::vector<AllowEntry> entries;
};

// Reads and validates the allow list at `path` (exit-2 material on error).
Result<AllowList> LoadAllowList(const std::string& path);

// The same from TOML text; `source` names it in error messages.
Result<AllowList> ParseAllowList(std::string_view toml_text, const std::string& source);

// Whether `entry` covers the cell (combination, probe) whose outcome is now `after`.
bool AllowEntryMatches(const AllowEntry& entry, std::string_view combination,
                       std::string_view probe, std::string_view after);

// The first entry of `allow` that matches, or nullptr.
const AllowEntry* FindAllowEntry(const AllowList& allow, std::string_view combination,
                                 std::string_view probe, std::string_view after);

}  // namespace nsm
