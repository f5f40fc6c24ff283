// A scenario's expectation override: for matching cells, the expected outcome
// is this one instead of the catalogue rule's, for a stated reason.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/outcome.h"

namespace nsm {

struct ExpectationOverride {
  std::string probe;                  // an id, or a prefix ending in '.'
  std::optional<NsSet> combination;   // nullopt: any combination ("*")
  Outcome outcome = Outcome::leaked;  // isolated or leaked
  std::string reason;                 // why; never empty
  std::string source;                 // "file:line" of the [[expect]] header

  bool Matches(std::string_view probe_id, NsSet set) const;
};

// The override that applies to (probe, combination): the last match wins; nullptr if none.
const ExpectationOverride* FindOverride(const std::vector<ExpectationOverride>& overrides,
                                        std::string_view probe, NsSet combination);

}  // namespace nsm
