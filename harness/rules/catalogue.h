// The probe catalogue: every probe's id, description and expected-outcome rule,
// loaded from catalogue.json (built into the binary). The one place that says
// what each probe should observe for each combination.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/common/namespaces.h"
#include "harness/common/outcome.h"
#include "harness/common/result.h"
#include "harness/rules/expression.h"

namespace nsm {

struct ProbeSpec {
  std::string id;
  std::string description;
  std::string why;
  RuleExpression isolated_when;
  // Namespaces the host sandbox must have of its own for this probe to run:
  // without them it would act on the machine's (e.g. rename the real host).
  NsSet host_needs;

  Outcome Expected(const RuleContext& ctx) const {
    return isolated_when.Evaluate(ctx) ? Outcome::isolated : Outcome::leaked;
  }
};

class Catalogue {
 public:
  static const Catalogue& Builtin();
  static Result<Catalogue> FromJson(std::string_view text);

  const std::vector<ProbeSpec>& Probes() const { return probes_; }
  const ProbeSpec* Find(std::string_view id) const;
  // "all", or a comma-separated list of ids and prefixes ("ns." or "ns" both
  // select every ns.* probe). Result keeps catalogue order: that is the order
  // probes run in, so a look runs before the kill that would spoil it.
  Result<std::vector<const ProbeSpec*>> Select(std::string_view list) const;

 private:
  std::vector<ProbeSpec> probes_;
};

}  // namespace nsm
