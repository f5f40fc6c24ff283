#include "harness/rules/expectation_override.h"

namespace nsm {

bool ExpectationOverride::Matches(std::string_view probe_id, NsSet set) const {
  bool probe_matches =
      !probe.empty() && probe.back() == '.' ? probe_id.starts_with(probe) : probe_id == probe;
  return probe_matches && (!combination || *combination == set);
}

const ExpectationOverride* FindOverride(const std::vector<ExpectationOverride>& overrides,
                                        std::string_view probe, NsSet combination) {
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    if (it->Matches(probe, combination)) return &*it;
  }
  return nullptr;
}

}  // namespace nsm
