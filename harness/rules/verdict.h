// Outcomes (what a probe observed) and verdicts (whether that was expected).
#pragma once

#include <optional>
#include <string_view>

namespace nsm {

// unsupported: the kernel would not create the combination's namespaces;
// refused: a container runtime would not make (or cannot express) the container.
enum class Outcome { isolated, leaked, unsupported, refused, error };
enum class Verdict { pass, fail, skip };

std::string_view Name(Outcome outcome);
std::string_view Name(Verdict verdict);
std::optional<Outcome> OutcomeFromName(std::string_view name);

// pass: observed what the rule expects; skip: the combination could not be
// created (unsupported or refused); fail: anything else, including a probe error (an error is never
// a pass).
Verdict Decide(Outcome observed, Outcome expected);

}  // namespace nsm
